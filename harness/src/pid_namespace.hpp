#pragma once
// One program run in its own PID namespace (with its own mount and IPC namespaces), where the
// machine allows it (root here and in CI; probed once). parity-run-init is the namespace's pid 1
// (protocol: run_init_protocol.hpp); the program is its child, in its own process group.
//
// What that buys over the process-group-and-environment search of launcher.hpp's fallback:
//   - nothing escapes: a process cannot leave its PID namespace, whatever it does (double fork,
//     setsid, a scrubbed environment); every process of the run is a descendant of init;
//   - killing init kills every process of the namespace (the kernel does it), and init dies with
//     the harness (PR_SET_PDEATHSIG), so no process of a run outlives parity;
//   - the namespace is empty exactly when init exits (init reaps all orphans and exits on ECHILD),
//     and init's rusage then covers the whole tree;
//   - a run's processes cannot see or signal parity, or another run's processes;
//   - SysV IPC objects and POSIX message queues the run creates die with its IPC namespace.
// The program sees namespace pids (its own is 2, its parent init's 1) and a /proc mounted for the
// namespace, so getpid() and /proc/<pid> agree. Pids below are the harness's (global) pids.

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "shm_sandbox.hpp"

namespace parity {

struct NamespaceSpawn {
  std::string executable;         // a path (already resolved)
  std::vector<std::string> argv;  // argv[0] first
  const char* const* envp = nullptr;
  std::filesystem::path cwd;      // empty: the harness's
  int stdout_fd = -1;             // dup2()ed onto the program's 1 and 2; stdin is /dev/null
  int stderr_fd = -1;
  const ShmSandbox* shm = nullptr;
};

class PidNamespaceRun {
 public:
  using Clock = std::chrono::steady_clock;

  // Whether runs get their own PID namespace here: parity-run-init is built and a PID, mount and
  // IPC namespace can be created (probed once, in a throwaway child). PARITY_PID_NAMESPACE=0 in
  // the environment turns it off (the fallback of launcher.hpp is then used).
  static bool available();

  // Starts init, which starts the program. The caller holds OrphanReaper::launch_guard() and
  // registers init_pid() with it before releasing it.
  explicit PidNamespaceRun(const NamespaceSpawn& spawn);
  // Kills the namespace and reaps init if finish() was not called.
  ~PidNamespaceRun();
  PidNamespaceRun(const PidNamespaceRun&) = delete;
  PidNamespaceRun& operator=(const PidNamespaceRun&) = delete;

  int init_pid() const noexcept { return init_pid_; }
  // Waits (until deadline) for init to say whether the program started. Empty when it did; else
  // why not ("No such file or directory").
  std::optional<std::string> wait_started(Clock::time_point deadline);

  // True once the program has exited (exit_status() is then set), false at the deadline.
  bool wait_program_exit(Clock::time_point deadline);
  std::optional<int> exit_status() const noexcept { return exit_status_; }  // wait status

  // Every live process of the namespace but init: the program and whatever it left.
  std::vector<int> alive() const;
  void signal_all(int sig) const;
  // True once the namespace is empty (init has exited by itself), false at the deadline.
  bool wait_empty(Clock::time_point deadline);
  // Kills whatever is left (SIGKILL to init: the kernel kills the rest), reaps init, and returns
  // the rusage of init and everything it reaped: the whole tree. Call once.
  rusage finish();

 private:
  void read_messages(int timeout_ms);
  int init_pid_ = -1;
  int init_pidfd_ = -1;
  int report_fd_ = -1;  // read end of init's report pipe
  bool started_ = false;
  std::optional<std::string> start_error_;
  std::optional<int> exit_status_;
  bool finished_ = false;
};

}  // namespace parity
