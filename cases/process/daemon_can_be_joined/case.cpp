// Seed 000 says a daemon process cannot be joined; it can. join() waits for a daemon child like any
// other; daemon only means the child is terminated when the parent exits without joining it.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

void work(mp::Queue<std::string> queue) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  queue.put("daemon finished its work");
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::string> queue;
  mp::Process child(mp::ProcessOptions{.daemon = true}, work, queue);
  child.start();
  std::cout << "daemon: " << (child.daemon() ? "yes" : "no") << std::endl;
  std::cout << queue.get() << std::endl;
  child.join();
  std::cout << "join returned" << std::endl;
  std::cout << "alive after join: " << (child.is_alive() ? "yes" : "no") << std::endl;
  std::cout << "exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
