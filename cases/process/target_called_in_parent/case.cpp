// Process(target=f()) calls f in the parent and passes its result, None, as the target: the child
// runs nothing. C++'s honest analog of a None target is mp::Process(): f() returns nothing a
// Process could run, so the mistake reads mp::Process child; report(); with the same effect.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>

namespace {
pid_t parent_pid = 0;

void report() { std::cout << "report ran in the parent: " << (::getpid() == parent_pid ? "True" : "False") << std::endl; }
}  // namespace

void run_case(const parity::CaseArgs&) {
  parent_pid = ::getpid();
  report();           // Python evaluates target=report() here, in the parent...
  mp::Process child;  // ...and gets target=None: a process with nothing to run.
  child.start();
  child.join();
  std::cout << "child exitcode " << *child.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
