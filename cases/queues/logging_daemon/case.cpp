// Seed 000: a logging daemon fed by a Queue. Records go through one Queue to a single daemon
// process that prints them in the order they were put; an empty optional (Python's None) tells it
// to stop. The parent joins it (a daemon can be joined) before exiting.
#include <mp/mp.hpp>

#include <iostream>
#include <optional>
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

void logger(mp::Queue<std::optional<std::string>> queue) {
  while (true) {
    std::optional<std::string> record = queue.get();
    if (!record) break;
    std::cout << "log: " << *record << std::endl;
  }
  std::cout << "logger stopped" << std::endl;
}

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::optional<std::string>> queue;
  mp::Process daemon(mp::ProcessOptions{.daemon = true}, logger, queue);
  daemon.start();
  for (int task = 0; task < 3; ++task) queue.put("task " + std::to_string(task) + " done");
  queue.put(std::nullopt);
  daemon.join();
  std::cout << "logger exitcode " << *daemon.exitcode() << std::endl;
}
