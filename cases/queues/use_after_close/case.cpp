// Seed 000 (Queue close()/join_thread()): after close() a queue refuses put() and get() with
// ValueError "Queue <...> is closed"; join_thread() is only allowed after close() (AssertionError
// "Queue <...> not closed" before), and then waits for the feeder to flush the item put earlier.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <functional>
#include <iostream>
#include <string>

namespace {

void attempt(const std::string& label, const std::function<void()>& action) {
  try {
    action();
    std::cout << label << ": ok" << std::endl;
  } catch (const mp::Error& e) {
    std::cout << label << ": " << e.type_name() << ": " << e.what() << std::endl;
  }
}

}  // namespace

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::string> queue;
  attempt("join_thread() before close()", [&] { queue.join_thread(); });
  queue.put("item");
  queue.close();
  attempt("put() after close()", [&] { queue.put("late"); });
  attempt("get() after close()", [&] { queue.get(); });
  attempt("join_thread() after close()", [&] { queue.join_thread(); });
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
