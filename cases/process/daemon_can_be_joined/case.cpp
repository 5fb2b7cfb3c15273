// Seed 000 says a daemon process cannot be joined; it can. join() waits for a daemon child like any
// other; daemon only means the child is terminated when the parent exits without joining it.
#include <mp/mp.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

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

void work(mp::Queue<std::string> queue) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  queue.put("daemon finished its work");
}

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::string> queue;
  mp::Process child(mp::ProcessOptions{.daemon = true}, work, queue);
  child.start();
  std::cout << "daemon: " << (child.daemon() ? "yes" : "no") << std::endl;
  std::cout << queue.get() << std::endl;
  child.join();
  std::cout << "join returned" << std::endl;
  std::cout << "alive after join: " << (child.is_alive() ? "yes" : "no") << std::endl;
  std::cout << "exitcode " << *child.exitcode() << std::endl;
}
