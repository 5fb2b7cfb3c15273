// Seed 004: calling run() on a Process subclass instead of start() runs it in the calling process,
// synchronously; no process is created (pid and exitcode stay empty).
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

#include <unistd.h>

struct Worker : mp::ProcessSubclass<Worker> {
  void run() override { std::cout << "run() executes in pid " << ::getpid() << std::endl; }
};

void run_case(const parity::CaseArgs&) {
  std::cout << "caller pid " << ::getpid() << std::endl;
  Worker worker;
  worker.run();
  std::cout << "process started: " << (worker.pid() ? "yes" : "no") << std::endl;
  std::cout << "exitcode set: " << (worker.exitcode() ? "yes" : "no") << std::endl;
  worker.start();
  worker.join();
  std::cout << "after start() and join(): exitcode " << *worker.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
