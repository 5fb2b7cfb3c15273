// The fixed order of the join deadlock: get the 1,000,000-byte item first, then join.
#include <mp/mp.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t item_bytes = 1'000'000;

std::string start_method_from(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--start-method" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--start-method=")) return std::string(arg.substr(15));
  }
  return "fork";
}

}  // namespace

void put_large_item(mp::Queue<std::string> queue) { queue.put(std::string(item_bytes, 'X')); }

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::string> queue;
  mp::Process child(put_large_item, queue);
  child.start();
  std::cout << "child puts a " << item_bytes << "-byte string" << std::endl;
  std::string item = queue.get();
  bool all_x = item == std::string(item_bytes, 'X');
  std::cout << "parent got " << item.size() << " bytes, all X: " << (all_x ? "yes" : "no") << std::endl;
  child.join();
  std::cout << "joined the child, exitcode " << *child.exitcode() << std::endl;
}
