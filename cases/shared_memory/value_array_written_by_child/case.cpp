// Seed 001 (Value/Array shared memory), the Python docs' example: a child writes a shared double
// and negates a shared int array; the parent, after join(), sees both changes.
#include <mp/mp.hpp>

#include <iostream>
#include <string>
#include <string_view>
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

void f(mp::Value<double> n, mp::Array<int> a) {
  n.set_value(3.1415927);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = -a.get(i);
}

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
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
