// Uncontended Lock acquire+release, timed in the program (the case's metric) and as a whole run.
#include <mp/mp.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

namespace {

constexpr int kPairs = 1'000'000;

std::string start_method_from(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--start-method") return argv[i + 1];
  }
  return "fork";
}

}  // namespace

int main(int argc, char** argv) {
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
  mp::Lock lock;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPairs; ++i) {
    lock.acquire();
    lock.release();
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::cout << "acquired and released a Lock " << kPairs << " times" << std::endl;
  std::cout << "lock free afterwards: " << (lock.acquire(false) ? "yes" : "no") << std::endl;
  char metric[96];
  std::snprintf(metric, sizeof metric, "@metric ns_per_acquire_release %.1f ns", elapsed.count() / kPairs * 1e9);
  std::cout << metric << std::endl;
}
