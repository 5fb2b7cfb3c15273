// Seed 001 (picklability): a capturing lambda as a Process target (Python: any lambda). Under fork
// nothing is serialized and the child runs it; under spawn and forkserver start() throws
// PicklingError (a lambda cannot travel by identity), before any child is created.
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

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::string> queue;
  const std::string message = "lambda ran in the child";
  mp::Process child([message](mp::Queue<std::string> q) { q.put(message); }, queue);
  try {
    child.start();
    std::cout << queue.get() << std::endl;
    child.join();
    std::cout << "exitcode " << *child.exitcode() << std::endl;
  } catch (const mp::Error& e) {
    std::cout << "start() raised " << e.type_name() << ": " << e.what() << std::endl;
    std::cout << "child pid assigned: " << (child.pid() ? "yes" : "no") << std::endl;
  }
}
