// A manager's owner is SIGKILLed: mp's server watches a pidfd of its owner, so it exits at once
// and removes its socket and /tmp/pymp-* directory. (CPython's keeps running; see case.toml.)
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <utility>

void own_manager(mp::Connection report) {
  mp::Manager manager;
  report.send(std::pair<int, std::string>(*manager.process().pid(), manager.address()));
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

// No such process, or a zombie nobody reaped yet.
bool gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] == 'Z';
}

void run_case(const parity::CaseArgs&) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process owner(own_manager, writer);
  owner.start();
  auto [server_pid, address] = reader.recv<std::pair<int, std::string>>();
  const std::filesystem::path directory = std::filesystem::path(address).parent_path();
  std::cout << "server running before the kill: " << (gone(server_pid) ? "no" : "yes") << std::endl;
  owner.kill();
  owner.join();
  std::cout << "owner exitcode " << *owner.exitcode() << std::endl;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!gone(server_pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const bool server_gone = gone(server_pid);
  std::string left;
  if (std::filesystem::exists(address)) left += "socket";
  if (std::filesystem::exists(directory)) left += left.empty() ? "directory" : " directory";
  const int paths_left = static_cast<int>(std::filesystem::exists(address)) +
                         static_cast<int>(std::filesystem::exists(directory));
  std::cout << "server gone within 1 s: " << (server_gone ? "yes" : "no") << std::endl;
  std::cout << "left behind: " << (left.empty() ? "nothing" : left) << std::endl;
  std::cout << "@metric server_gone_within_1s " << (server_gone ? 1 : 0) << std::endl;
  std::cout << "@metric paths_left " << paths_left << std::endl;
  if (!server_gone) {
    ::kill(server_pid, SIGKILL);
    while (!gone(server_pid)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
