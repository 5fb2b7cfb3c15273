// Seed 001 (Value/Array shared memory), the Python docs' example: a child writes a shared double
// and negates a shared int array; the parent, after join(), sees both changes.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>
#include <vector>

void f(mp::Value<double> n, mp::Array<int> a) {
  n.set_value(3.1415927);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = -a.get(i);
}

void run_case(const parity::CaseArgs&) {
  mp::Value<double> num(0.0);
  std::vector<int> initial;
  for (int i = 0; i < 10; ++i) initial.push_back(i);
  mp::Array<int> arr(initial);
  mp::Process p(f, num, arr);
  p.start();
  p.join();
  std::cout << "num.value " << num.value() << std::endl;
  std::cout << "arr";
  for (std::size_t i = 0; i < arr.size(); ++i) std::cout << ' ' << arr.get(i);
  std::cout << std::endl;
  std::cout << "child exitcode " << *p.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
