// Seed 000 (Queue close()/join_thread()): after close() a queue refuses put() and get() with
// ValueError "Queue <...> is closed"; join_thread() is only allowed after close() (AssertionError
// "Queue <...> not closed" before), and then waits for the feeder to flush the item put earlier.
#include <mp/mp.hpp>

#include <functional>
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

void attempt(const std::string& label, const std::function<void()>& action) {
  try {
    action();
    std::cout << label << ": ok" << std::endl;
  } catch (const mp::Error& e) {
    std::cout << label << ": " << e.type_name() << ": " << e.what() << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Queue<std::string> queue;
  attempt("join_thread() before close()", [&] { queue.join_thread(); });
  queue.put("item");
  queue.close();
  attempt("put() after close()", [&] { queue.put("late"); });
  attempt("get() after close()", [&] { queue.get(); });
  attempt("join_thread() after close()", [&] { queue.join_thread(); });
}
