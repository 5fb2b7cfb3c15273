// The child cancels its queue's join thread, then puts a 1,000,000-byte item and returns: it exits
// without waiting for the feeder, so join() returns although the item was never read (and is
// lost: at most the pipe's 64 KiB of it were written). The parent does not get afterwards: a
// partly written message would block any get forever.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

namespace {

constexpr std::size_t item_bytes = 1'000'000;

}  // namespace

void put_large_item_and_leave(mp::Queue<std::string> queue) {
  queue.cancel_join_thread();
  queue.put(std::string(item_bytes, 'X'));
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::string> queue;
  mp::Process child(put_large_item_and_leave, queue);
  child.start();
  std::cout << "child cancels its join thread, then puts a " << item_bytes << "-byte string" << std::endl;
  std::cout << "parent joins the child before getting the item" << std::endl;
  child.join();
  std::cout << "join returned, exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
