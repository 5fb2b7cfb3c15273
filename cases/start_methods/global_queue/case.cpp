// A queue defined at namespace scope (constructed at static initialization, the C++ counterpart of
// a module-level q = Queue()) used by the child as a global. fork: the child's q is the parent's.
// spawn and forkserver: the child is a fresh exec whose static initialization built a new,
// unrelated queue; the child puts into that one and the parent's get() never returns.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

mp::Queue<std::string> q;

void f() { q.put("hello from the child"); }

void run_case(const parity::CaseArgs&) {
  mp::Process p(f);
  p.start();
  std::cout << "parent waits on the module-level queue" << std::endl;
  std::cout << "parent got: " << q.get() << std::endl;  // never returns under spawn and forkserver
  p.join();
  std::cout << "child exitcode " << *p.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
