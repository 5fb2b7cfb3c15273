// Fixture: 30 stderr lines, then exit 1, as case.py.
#include <cstdio>

int main() {
  std::puts("started");
  for (int line = 1; line <= 30; ++line) std::fprintf(stderr, "stderr line %d\n", line);
  return 1;
}
