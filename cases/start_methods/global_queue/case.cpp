// A queue defined at namespace scope (constructed at static initialization, the C++ counterpart of
// a module-level q = Queue()) used by the child as a global. fork: the child's q is the parent's.
// spawn and forkserver: the child is a fresh exec whose static initialization built a new,
// unrelated queue; the child puts into that one and the parent's get() never returns.
#include <mp/mp.hpp>

#include <iostream>
#include <string>
#include <string_view>

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

mp::Queue<std::string> q;

void f() { q.put("hello from the child"); }

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Process p(f);
  p.start();
  std::cout << "parent waits on the module-level queue" << std::endl;
  std::cout << "parent got: " << q.get() << std::endl;  // never returns under spawn and forkserver
  p.join();
  std::cout << "child exitcode " << *p.exitcode() << std::endl;
}
