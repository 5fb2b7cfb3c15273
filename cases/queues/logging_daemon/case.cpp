// Seed 000: a logging daemon fed by a Queue. Records go through one Queue to a single daemon
// process that prints them in the order they were put; an empty optional (Python's None) tells it
// to stop. The parent joins it (a daemon can be joined) before exiting.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <optional>
#include <string>

void logger(mp::Queue<std::optional<std::string>> queue) {
  while (true) {
    std::optional<std::string> record = queue.get();
    if (!record) break;
    std::cout << "log: " << *record << std::endl;
  }
  std::cout << "logger stopped" << std::endl;
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::optional<std::string>> queue;
  mp::Process daemon(mp::ProcessOptions{.daemon = true}, logger, queue);
  daemon.start();
  for (int task = 0; task < 3; ++task) queue.put("task " + std::to_string(task) + " done");
  queue.put(std::nullopt);
  daemon.join();
  std::cout << "logger exitcode " << *daemon.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
