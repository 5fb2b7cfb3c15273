// Seed 001 (joining zombie processes): a child that has finished but was not joined stays a zombie
// in the process table; mp::active_children() (like join() or is_alive()) reaps it. Only fork and
// spawn: a forkserver child is the server's child, and the server reaps it.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace {

// The state letter of /proc/<pid>/stat (the field after the parenthesized command), or "gone".
std::string state_of(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!file || !std::getline(file, stat)) return "gone";
  std::istringstream rest(stat.substr(stat.rfind(')') + 1));
  std::string state;
  rest >> state;
  return state;
}

}  // namespace

void returns() {}

void run_case(const parity::CaseArgs&) {
  mp::Process child(returns);
  child.start();
  const int pid = *child.pid();  // read once, before anything polls the child
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (state_of(pid) != "Z" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::cout << "finished child not joined is a zombie: " << (state_of(pid) == "Z" ? "yes" : "no")
            << std::endl;
  std::cout << "active_children() lists " << mp::active_children().size() << std::endl;
  std::cout << "after active_children() the zombie is gone: " << (state_of(pid) == "gone" ? "yes" : "no")
            << std::endl;
  std::cout << "exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
