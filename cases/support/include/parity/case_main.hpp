#pragma once
// The main() of every case program: what CPython does around a case.py, done once.
//
//   void run_case(const parity::CaseArgs& args) {
//     mp::Queue<std::string> queue;
//     ...
//   }
//   int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
//
// case_main, in order:
//   1. mp::init(argc, argv): a spawn or forkserver child (and the forkserver itself) re-executes
//      this program and runs its work inside mp::init, which never returns there. So nothing of the
//      case (not even its argument parsing) runs in such a child, as CPython's children skip the
//      `if __name__ == "__main__":` block.
//   2. Parses the command line (parity/case_args.hpp). A usage error, here or from a getter in the
//      body, prints "usage: ..." and "PROGRAM: error: MESSAGE" on stderr and returns 2 (argparse's
//      status).
//   3. mp::set_start_method(args.start_method()).
//   4. Runs body(args) and returns 0.
//   5. An exception escaping the body (or step 3) is CPython's uncaught exception: std::cout and
//      stdout are flushed, stderr gets "Traceback (most recent call last):", a line naming the
//      program, and "<Type>: <message>" (mp::Error::str(); a std::exception as its demangled C++
//      type), and case_main returns 1. main() returning runs the exit sequence (mp/context.hpp),
//      which joins the remaining non-daemon children after the traceback, as CPython does.
// mp::exit(n) in the body ends the process with n at once, as sys.exit(n).

#include <functional>

#include "parity/case_args.hpp"

namespace parity {

// Returns main()'s status: 0, 1 (an escaping exception) or 2 (a usage error).
int case_main(int argc, char** argv, const std::function<void(const CaseArgs&)>& body);

}  // namespace parity
