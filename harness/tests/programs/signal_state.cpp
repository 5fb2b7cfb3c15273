// Test helper: prints whether SIGPIPE is ignored and whether SIGTERM is blocked, as inherited.
#include <signal.h>
#include <unistd.h>

#include <cstdio>

int main() {
  struct sigaction action {};
  sigaction(SIGPIPE, nullptr, &action);
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  std::printf("SIGPIPE %s\n", action.sa_handler == SIG_IGN ? "ignored" : "default");
  std::printf("SIGTERM %s\n", sigismember(&mask, SIGTERM) ? "blocked" : "unblocked");
  std::printf("pgid-is-pid %s\n", getpgrp() == getpid() ? "yes" : "no");
  return 0;
}
