// Fixture: the same output as case.py, but a metric that is always 10 where python's is always 0.
#include <cstdio>

int main() {
  std::puts("same line");
  std::puts("@metric visible 10");
}
