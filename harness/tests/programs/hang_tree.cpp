// Test helper: hang_tree CHILDREN [--ignore-term]: forks CHILDREN children; every process of the
// tree then blocks forever in parity_test_hang_forever(), the frame the stack-dump tests look for.
// The parent prints its line only after every child has printed its own, so a test that sees the
// parent's line knows the whole tree is up. With --ignore-term every process ignores SIGTERM (only
// SIGKILL ends them).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" __attribute__((noinline)) void parity_test_hang_forever() {
  for (;;) pause();
}

int main(int argc, char** argv) {
  int children = argc > 1 ? std::atoi(argv[1]) : 1;
  if (argc > 2 && std::strcmp(argv[2], "--ignore-term") == 0) signal(SIGTERM, SIG_IGN);
  int ready[2];
  if (pipe(ready) != 0) return 2;
  for (int i = 0; i < children; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      std::printf("child %d\n", getpid());
      std::fflush(stdout);
      char byte = 1;
      if (write(ready[1], &byte, 1) != 1) _exit(2);
      parity_test_hang_forever();
    }
  }
  for (int i = 0; i < children; ++i) {
    char byte;
    if (read(ready[0], &byte, 1) != 1) return 2;
  }
  std::printf("parent %d\n", getpid());
  std::fflush(stdout);
  parity_test_hang_forever();
}
