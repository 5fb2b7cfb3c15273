// The fixed order of the join deadlock: get the 1,000,000-byte item first, then join.
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
  std::string item = queue.get();
  bool all_x = item == std::string(item_bytes, 'X');
  std::cout << "parent got " << item.size() << " bytes, all X: " << (all_x ? "yes" : "no") << std::endl;
  child.join();
  std::cout << "joined the child, exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
