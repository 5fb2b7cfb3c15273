// What a child receives from its parent at start() (CPython's preparation data under spawn and
// forkserver, the inherited memory under fork): its name, the parent's authkey, the parent's
// working directory as it is at start(), the start method.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {
const char* py_bool(bool b) { return b ? "True" : "False"; }
}  // namespace

void report(std::string parent_authkey, std::string parent_cwd, mp::Queue<std::vector<std::string>> queue) {
  mp::Process& me = mp::current_process();
  queue.put({
      "child name: " + me.name(),
      std::string("child authkey equals the parent's: ") + py_bool(me.authkey() == parent_authkey),
      "child authkey length: " + std::to_string(me.authkey().size()),
      std::string("child cwd is the parent's at start(): ") + py_bool(std::filesystem::current_path() == parent_cwd),
      "child start method: " + mp::get_start_method(),
      std::string("child daemon: ") + py_bool(me.daemon()),
  });
}

void start_and_report(const std::string& name, mp::Queue<std::vector<std::string>>& queue) {
  mp::Process child(mp::ProcessOptions{.name = name}, report, mp::current_process().authkey(),
                    std::filesystem::current_path().string(), queue);
  child.start();
  for (const std::string& line : queue.get(true, std::chrono::seconds(10))) std::cout << line << std::endl;
  child.join();
  std::cout << name << " exitcode " << *child.exitcode() << std::endl;
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::vector<std::string>> queue;
  start_and_report("first", queue);
  // The second child starts after the parent changed directory (under forkserver, after the
  // server started in the old one): its cwd must follow the parent's as it is at start().
  std::string elsewhere = (std::filesystem::temp_directory_path() / "preparation_data.XXXXXX").string();
  if (::mkdtemp(elsewhere.data()) == nullptr) throw mp::OSError("mkdtemp failed");
  const std::filesystem::path home = std::filesystem::current_path();
  std::filesystem::current_path(elsewhere);
  start_and_report("second", queue);
  std::filesystem::current_path(home);
  std::filesystem::remove(elsewhere);
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
