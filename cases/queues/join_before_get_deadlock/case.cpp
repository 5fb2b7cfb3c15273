// The child puts a 1,000,000-byte string; the parent joins it before getting the item. The child
// cannot finish exiting until its feeder has written the item into the pipe, which needs a reader:
// both wait forever ("join returned" is never printed).
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

namespace {

constexpr std::size_t item_bytes = 1'000'000;

}  // namespace

void put_large_item(mp::Queue<std::string> queue) { queue.put(std::string(item_bytes, 'X')); }

void run_case(const parity::CaseArgs&) {
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

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
