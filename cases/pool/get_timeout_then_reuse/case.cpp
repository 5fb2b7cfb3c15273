// Seed 001: AsyncResult::get(timeout) throws TimeoutError when the result is not ready in time;
// the result stays pending (a later get() returns it) and the pool stays usable.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

std::string slow_echo(std::string word) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  return word;
}

int square(int x) { return x * x; }

void run_case(const parity::CaseArgs&) {
  using namespace std::chrono_literals;
  mp::Pool pool(2);
  auto result = pool.apply_async(slow_echo, std::string("done"));
  try {
    std::string value = result.get(50ms);
    std::cout << "get(timeout=0.05) returned " << value << std::endl;
  } catch (const mp::TimeoutError& e) {
    std::cout << "get(timeout=0.05) raised " << e.type_name() << std::endl;
  }
  std::cout << "get() then returned " << result.get() << std::endl;
  std::cout << "pool still works: square(7) = " << pool.apply(square, 7) << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
