// Fixture: as case.py, fails on about a third of its runs (a random draw).
#include <sys/random.h>

#include <cstdio>

int main() {
  unsigned char byte = 0;
  if (::getrandom(&byte, 1, 0) != 1) return 2;
  bool failing = byte % 3 == 0;
  std::printf("draw %s\n", failing ? "bad" : "good");
  return failing ? 1 : 0;
}
