// A task SIGKILLs the worker running it. CPython waits forever for the lost task's result; mp
// fails it at once with BrokenProcessPool and replaces the worker (the documented divergence of
// mp/pool.hpp), so the pool keeps working.
#include <mp/mp.hpp>

#include <csignal>
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

std::string kill_own_worker() {
  ::kill(::getpid(), SIGKILL);
  return "unreachable";
}

int square(int x) { return x * x; }

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
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
