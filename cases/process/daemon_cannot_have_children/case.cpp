// Seed 004: a daemon process may not create child processes. start() inside a daemon throws
// AssertionError before anything is started; the daemon itself goes on and exits 0.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

void grandchild() {}

void daemon_main(mp::Queue<std::string> queue) {
  try {
    mp::Process(grandchild).start();
    queue.put("daemon started a child");
  } catch (const mp::Error& e) {
    queue.put("daemon's start() raised " + e.type_name() + ": " + e.what());
  }
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::string> queue;
  mp::Process child(mp::ProcessOptions{.daemon = true}, daemon_main, queue);
  child.start();
  std::cout << queue.get() << std::endl;
  child.join();
  std::cout << "daemon exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
