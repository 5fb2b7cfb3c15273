// Seed 004: calling run() on a Process subclass instead of start() runs it in the calling process,
// synchronously; no process is created (pid and exitcode stay empty).
#include <mp/mp.hpp>

#include <iostream>
#include <string>
#include <string_view>

#include <unistd.h>

namespace {

std::string start_method_from(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--start-method" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--start-method=")) return std::string(arg.substr(15));
  }
  return "fork";
}

}  // namespace

struct Worker : mp::ProcessSubclass<Worker> {
  void run() override { std::cout << "run() executes in pid " << ::getpid() << std::endl; }
};

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  std::cout << "caller pid " << ::getpid() << std::endl;
  Worker worker;
  worker.run();
  std::cout << "process started: " << (worker.pid() ? "yes" : "no") << std::endl;
  std::cout << "exitcode set: " << (worker.exitcode() ? "yes" : "no") << std::endl;
  worker.start();
  worker.join();
  std::cout << "after start() and join(): exitcode " << *worker.exitcode() << std::endl;
}
