// Seed 002's Fahrenheit example: two manager queues passed to pool.apply; the four Celsius values
// come back in input order and are printed as Python prints a float (shortest repr, "60.0").
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <charconv>
#include <iostream>
#include <string>

// Python's repr of a finite float: the shortest digits that read back the same, with ".0" when
// they hold no point or exponent.
std::string float_repr(double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  std::string repr(text, end);
  if (repr.find_first_of(".e") == std::string::npos) repr += ".0";
  return repr;
}

void to_celsius(mp::QueueProxy<int> input, mp::QueueProxy<double> output) {
  int f = input.get();
  // Time-consuming task ...
  double c = (f - 32) * (5.0 / 9);
  output.put(c);
}

void run_case(const parity::CaseArgs&) {
  mp::Manager pool_manager;
  mp::Pool pool(2);
  auto inputs = pool_manager.Queue<int>();
  auto outputs = pool_manager.Queue<double>();
  const int input_values[] = {110, 120, 130, 140};
  for (int i : input_values) {
    inputs.put(i);
    pool.apply(to_celsius, inputs, outputs);
  }
  for (std::size_t k = 0; k < std::size(input_values); ++k) {
    std::cout << float_repr(outputs.get(false)) << std::endl;
  }
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
