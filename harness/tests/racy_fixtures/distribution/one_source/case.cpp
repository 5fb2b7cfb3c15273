// Fixture: a fair coin from the OS, as case.py's: both sides draw from one distribution.
#include <cstdio>
#include <random>

int main() {
  std::random_device coin;
  std::puts("same line");
  std::printf("@metric heads %u\n", coin() % 2);
}
