// Seed 004: a daemon process may not create child processes. start() inside a daemon throws
// AssertionError before anything is started; the daemon itself goes on and exits 0.
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

void grandchild() {}

void daemon_main(mp::Queue<std::string> queue) {
  try {
    mp::Process(grandchild).start();
    queue.put("daemon started a child");
  } catch (const mp::Error& e) {
    queue.put("daemon's start() raised " + e.type_name() + ": " + e.what());
  }
}

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::string> queue;
  mp::Process child(mp::ProcessOptions{.daemon = true}, daemon_main, queue);
  child.start();
  std::cout << queue.get() << std::endl;
  child.join();
  std::cout << "daemon exitcode " << *child.exitcode() << std::endl;
}
