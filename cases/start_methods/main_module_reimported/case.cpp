// A C++ program's import-time code is what runs before main()'s mp::init: its global constructors
// and anything main() does ahead of mp::init. A spawn child executes the program again, so it runs
// that code again; a fork child does not.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

// A global constructor: the analog of module-level code.
struct ModuleCode {
  ModuleCode() {
    std::printf("module code runs\n");
    std::fflush(stdout);
  }
} module_code;

void work(int tag) { std::cout << "child " << tag << " runs its target" << std::endl; }

// The words of s joined by single spaces (Python's " ".join(s.split())).
std::string collapse(const std::string& s) {
  std::istringstream in(s);
  std::string word, out;
  while (in >> word) out += (out.empty() ? "" : " ") + word;
  return out;
}

void run_case(const parity::CaseArgs&) {
  for (int tag : {1, 2}) {
    mp::Process p(work, tag);
    p.start();
    p.join();
    std::cout << "child " << tag << " exitcode " << *p.exitcode() << std::endl;
  }
  ::setenv("CASE_START_AT_IMPORT", "1", 1);
  mp::Process p(work, 3);
  p.start();
  p.join();
  std::cout << "child 3 exitcode " << *p.exitcode() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  // Still import-time code (before mp::init): the missing `if __name__ == "__main__":` guard, once
  // the parent asks for it. An uncaught exception here ends the child as CPython's does: the
  // traceback on stderr, exit status 1.
  if (std::getenv("CASE_START_AT_IMPORT") != nullptr) {
    try {
      mp::Process(work, 0).start();
    } catch (const mp::RuntimeError& e) {
      std::cout << "RuntimeError: " << collapse(e.what()) << std::endl;
      std::cerr << "Traceback (most recent call last):\n  File \"" << argv[0] << "\", in <module>\n" << e.str() << std::endl;
      return 1;
    }
  }
  return parity::case_main(argc, argv, run_case);
}
