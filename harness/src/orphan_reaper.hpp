#pragma once
// The harness is a child subreaper: orphans of every run are re-parented to it and, once dead,
// stay its zombies until it reaps them. Reaping has to be done by pid (never waitpid(-1)) without
// stealing a status another waiter expects:
//   - a run's main process is wait4()ed by its own run: it is registered here from before fork
//     (launch_guard) until reaped, and never touched by anyone else;
//   - children other parts of the harness wait for (gdb, the compiler) stay in the harness's
//     process group, which run processes never are (each run has its own group, or its own
//     session after setsid()): zombies in the harness's group are never touched.
// Every other zombie child of the harness is a run's orphan; whoever finds it may reap it, and its
// rusage goes to the run whose process group it is in (or to the finder, for a process that left
// its run's group and is still findable through the run's environment marker).

#include <sys/resource.h>

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace parity {

// CPU time and peak RSS of a run's reaped orphans.
struct OrphanUsage {
  double user_s = 0;
  double sys_s = 0;
  long peak_rss_kb = 0;
  void add(const rusage& usage);
};

class OrphanReaper {
 public:
  static OrphanReaper& instance();

  // Hold from before launching a run's main process until register_run(): no sweep runs meanwhile,
  // so none can reap a main process that exited before it was registered.
  std::shared_lock<std::shared_mutex> launch_guard();
  // main_pid is also the run's process group. usage must outlive unregister_run(). Call with
  // launch_guard() held. Returns the registration (pids get reused; registrations do not).
  using Registration = std::uint64_t;
  Registration register_run(int main_pid, OrphanUsage* usage);
  // After the run has reaped its main process itself (so sweeps may reap its pid again).
  void main_reaped(Registration run);
  // At the end of the run: orphans of its group found later are reaped without attribution.
  void unregister_run(Registration run);

  enum class ReapResult { reaped, gone, alive, not_ours };
  // Reaps pid if it is a zombie child of the harness outside the harness's group and not a
  // registered main process. `finder` gets the rusage when no registered group claims it.
  ReapResult reap_orphan(int pid, OrphanUsage* finder);

  // Reaps every such zombie among the harness's children.
  void sweep();

 private:
  OrphanReaper();
  ReapResult reap_orphan_locked(int pid, OrphanUsage* finder);
  std::shared_mutex mutex_;
  struct Run {
    Registration registration;
    int main_pid;
    bool main_pending;  // not yet reaped by its run
    OrphanUsage* usage;
  };
  std::vector<Run> runs_;
  Registration next_registration_ = 1;
  int harness_pid_;
  int harness_pgid_;
};

}  // namespace parity
