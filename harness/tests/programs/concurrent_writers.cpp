// Test helper: concurrent_writers CHILDREN LINES: forks CHILDREN children that each write LINES
// lines to stdout at the same time (one write() per line), then waits for them.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  int children = argc > 1 ? std::atoi(argv[1]) : 4;
  int lines = argc > 2 ? std::atoi(argv[2]) : 10;
  for (int i = 0; i < children; ++i) {
    if (fork() == 0) {
      for (int j = 0; j < lines; ++j) {
        char line[64];
        int n = std::snprintf(line, sizeof line, "child %d line %d\n", i, j);
        if (write(STDOUT_FILENO, line, n) != n) _exit(2);
      }
      _exit(0);
    }
  }
  int status = 0;
  while (wait(&status) > 0) {
  }
  return 0;
}
