// The child puts a 1,000,000-byte string; the parent joins it before getting the item. The child
// cannot finish exiting until its feeder has written the item into the pipe, which needs a reader:
// both wait forever ("join returned" is never printed).
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
  std::cout << "parent joins the child before getting the item" << std::endl;
  child.join();  // this deadlocks
  std::cout << "join returned" << std::endl;
  std::string item = queue.get();
  std::cout << "got " << item.size() << " bytes" << std::endl;
}
