#pragma once
// What parity-run-init (harness/run_init/run_init.cpp, the init of a run's PID namespace) tells the
// launcher, over a pipe: fixed-size messages, each written whole (smaller than PIPE_BUF).
//
//   started      value = the program's pid inside the namespace, once its exec succeeded
//   exec_failed  value = errno of the failed execve; init then exits
//   exited       value = the program's wait status, usage = its rusage (wait4)
//
// After `exited` init keeps reaping whatever is left in the namespace (orphans re-parent to it)
// and exits once nothing is left: its exit means the namespace is empty. Its own wait status's
// rusage then covers the program and every process it reaped.
//
// Command line: parity-run-init REPORT_FD EXECUTABLE ARGV0 [ARGS...]; the environment is the
// program's. Init mounts the namespace's own /proc (the launcher made it a private mount
// namespace), starts the program in its own process group with default signal dispositions and an
// empty signal mask, and holds no descriptor the program can see.

#include <sys/resource.h>

#include <cstdint>

namespace parity::run_init {

enum class Kind : std::int32_t { started = 1, exec_failed = 2, exited = 3 };

struct Message {
  Kind kind;
  std::int32_t value;
  rusage usage;
};

}  // namespace parity::run_init
