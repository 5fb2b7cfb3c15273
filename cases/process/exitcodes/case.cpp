// Exit codes: 0 when the target returns, n after mp::exit(n) (sys.exit(n)), 1 when the target
// throws, and -SIGTERM (-15) after terminate().
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

void returns() {}

void exits_3() { mp::exit(3); }

void raises() { throw mp::ValueError("boom"); }

void sleeps() { std::this_thread::sleep_for(std::chrono::seconds(10)); }

void run_case(const parity::CaseArgs&) {
  const std::vector<std::pair<std::string, void (*)()>> targets = {
      {"returns", returns}, {"sys.exit(3)", exits_3}, {"raises ValueError", raises}};
  for (const auto& [name, target] : targets) {
    mp::Process child(target);
    child.start();
    child.join();
    std::cout << name << ": exitcode " << *child.exitcode() << std::endl;
  }
  mp::Process child(sleeps);
  child.start();
  child.terminate();
  child.join();
  std::cout << "terminate(): exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
