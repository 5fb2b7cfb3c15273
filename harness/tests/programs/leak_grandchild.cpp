// Test helper: leak_grandchild [--setsid]: forks a child that forks a grandchild and exits at
// once; the grandchild (optionally in a new session first) prints its pid and sleeps 10 minutes.
// The main process waits for the child, then exits 0, leaving the grandchild behind.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  bool new_session = argc > 1 && std::strcmp(argv[1], "--setsid") == 0;
  int ready[2];
  if (pipe(ready) != 0) return 2;
  pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      if (new_session) setsid();
      std::printf("grandchild %d\n", getpid());
      std::fflush(stdout);
      char byte = 1;
      (void)write(ready[1], &byte, 1);
      sleep(600);
      _exit(0);
    }
    _exit(0);
  }
  close(ready[1]);
  char byte;
  (void)read(ready[0], &byte, 1);  // the grandchild exists (and has setsid()) before we exit
  waitpid(child, nullptr, 0);
  return 0;
}
