// Seed 000: an mp::Queue passed to Pool::starmap as a task argument. Tasks are always serialized,
// and a Queue may only be while a process is being spawned: starmap throws RuntimeError.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>
#include <tuple>
#include <vector>

void put_item(mp::Queue<int> queue, int item) { queue.put(item); }

int power(int base, int exponent) {
  int result = 1;
  for (int i = 0; i < exponent; ++i) result *= base;
  return result;
}

void run_case(const parity::CaseArgs&) {
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

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
