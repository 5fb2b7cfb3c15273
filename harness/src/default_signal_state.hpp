#pragma once
// A program a run starts gets default signal dispositions and an empty signal mask, whatever the
// harness's (an ignored SIGPIPE or a blocked signal must not leak into a case). Header-only: used
// in a vfork()ed child of the launcher and by parity-run-init. Async-signal-safe.

#include <signal.h>

namespace parity {

inline void reset_signal_state() noexcept {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace parity
