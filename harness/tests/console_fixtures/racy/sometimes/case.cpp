// Fixture: as case.py, fails when the pid is a multiple of 3.
#include <unistd.h>

#include <cstdio>

int main() {
  bool failing = ::getpid() % 3 == 0;
  std::printf("draw %s\n", failing ? "bad" : "good");
  return failing ? 1 : 0;
}
