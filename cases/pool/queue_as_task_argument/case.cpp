// Seed 000: an mp::Queue passed to Pool::starmap as a task argument. Tasks are always serialized,
// and a Queue may only be while a process is being spawned: starmap throws RuntimeError.
#include <mp/mp.hpp>

#include <iostream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

std::string start_method_from(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--start-method" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--start-method=")) return std::string(arg.substr(15));
  }
  return "fork";
}

}  // namespace

void put_item(mp::Queue<int> queue, int item) { queue.put(item); }

int power(int base, int exponent) {
  int result = 1;
  for (int i = 0; i < exponent; ++i) result *= base;
  return result;
}

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<int> queue;
  {
    mp::Pool pool(2);
    try {
      pool.starmap(put_item, std::vector<std::tuple<mp::Queue<int>, int>>{{queue, 1}, {queue, 2}});
      std::cout << "starmap returned" << std::endl;
    } catch (const mp::Error& e) {
      std::cout << "starmap raised " << e.type_name() << ": " << e.what() << std::endl;
    }
    auto powers = pool.starmap(power, std::vector<std::tuple<int, int>>{{2, 3}});
    std::cout << "pool still works: power(2, 3) = " << powers.at(0) << std::endl;
  }
  std::cout << "queue empty: " << (queue.empty() ? "yes" : "no") << std::endl;
}
