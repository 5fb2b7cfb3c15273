// A non-daemon child the parent never joins: the parent's last line comes first, and the program
// still does not end before the child has (mp::init's exit sequence joins it, as CPython's
// atexit handler does).
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

namespace {

std::unique_ptr<mp::Process> child;

// Registered during static initialization, before main() and so before mp::init registers the
// exit sequence: handlers run last-registered first, so this one runs after it (the Python side
// registers its handler before importing multiprocessing).
const int at_exit_registered = std::atexit([] {
  if (child) std::cout << "at exit: child exitcode " << *child->exitcode() << std::endl;
});

void work() {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::cout << "child: done" << std::endl;
}

}  // namespace

void run_case(const parity::CaseArgs&) {
  child = std::make_unique<mp::Process>(work);
  child->start();
  std::cout << "parent: last line of the program, no join()" << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
