// Test helper: leak_grandchild [--setsid | --escape SECONDS]: forks a child that forks a
// grandchild and exits at once; the grandchild (optionally in a new session first) prints its pid
// and sleeps 10 minutes. With --escape it does all an escapee can: a new session, then exec of
// `sleep SECONDS` with an empty environment (no marker of the run left on it).
// The main process waits for the child, then exits 0, leaving the grandchild behind.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  bool escape = argc > 2 && std::strcmp(argv[1], "--escape") == 0;
  bool new_session = escape || (argc > 1 && std::strcmp(argv[1], "--setsid") == 0);
  int ready[2];
  if (pipe(ready) != 0) return 2;
  pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      if (new_session) setsid();
      std::printf("grandchild %d\n", getpid());
      std::fflush(stdout);
      char byte = 1;
      if (escape) {
        char* sleep_argv[] = {const_cast<char*>("sleep"), argv[2], nullptr};
        char* no_env[] = {nullptr};
        (void)write(ready[1], &byte, 1);
        execve("/bin/sleep", sleep_argv, no_env);
        _exit(127);
      }
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
