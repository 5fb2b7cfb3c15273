// Exit codes: 0 when the target returns, n after mp::exit(n) (sys.exit(n)), 1 when the target
// throws, and -SIGTERM (-15) after terminate().
#include <mp/mp.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

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

void returns() {}

void exits_3() { mp::exit(3); }

void raises() { throw mp::ValueError("boom"); }

void sleeps() { std::this_thread::sleep_for(std::chrono::seconds(10)); }

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  const std::vector<std::pair<std::string, void (*)()>> targets = {
      {"returns", returns}, {"sys.exit(3)", exits_3}, {"raises ValueError", raises}};
  for (const auto& [name, target] : targets) {
    mp::Process child(target);
    child.start();
    child.join();
    std::cout << name << ": exitcode " << *child.exitcode() << std::endl;
  }
  mp::Process child(sleeps);
  child.start();
  child.terminate();
  child.join();
  std::cout << "terminate(): exitcode " << *child.exitcode() << std::endl;
}
