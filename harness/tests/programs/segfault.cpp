// Test helper: dies of SIGSEGV (a real invalid write, not raise()).
#include <cstdio>

int main() {
  std::puts("about to crash");
  std::fflush(stdout);
  volatile int* null_pointer = nullptr;
  *null_pointer = 1;
  return 0;
}
