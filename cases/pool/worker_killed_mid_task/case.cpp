// A task SIGKILLs the worker running it. CPython waits forever for the lost task's result; mp
// fails it at once with BrokenProcessPool and replaces the worker (the documented divergence of
// mp/pool.hpp), so the pool keeps working.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <csignal>
#include <iostream>
#include <string>

#include <unistd.h>

std::string kill_own_worker() {
  ::kill(::getpid(), SIGKILL);
  return "unreachable";
}

int square(int x) { return x * x; }

void run_case(const parity::CaseArgs&) {
  mp::Pool pool(2);
  auto result = pool.apply_async(kill_own_worker);
  std::cout << "task sends SIGKILL to its own worker" << std::endl;
  try {
    std::string value = result.get();
    std::cout << "get returned " << value << std::endl;
  } catch (const mp::Error& e) {
    std::cout << "get raised " << e.type_name() << std::endl;
  }
  std::cout << "pool still works: square(3) = " << pool.apply(square, 3) << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
