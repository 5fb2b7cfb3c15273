// run_in_pid_namespace: one program run followed through its PID namespace (pid_namespace.hpp).

#include <signal.h>

#include "launch_flows.hpp"
#include "orphan_reaper.hpp"
#include "pid_namespace.hpp"
#include "run_leftovers.hpp"
#include "stack_dump.hpp"
#include "tree_quiescence.hpp"

namespace parity {

using Clock = std::chrono::steady_clock;

void run_in_pid_namespace(const PreparedRun& run, RunRecord& record) {
  const LaunchOptions& options = run.options;
  OrphanReaper& reaper = OrphanReaper::instance();
  const auto start = Clock::now();
  std::optional<PidNamespaceRun> space;
  OrphanReaper::Registration registration = 0;
  {
    // Init is the harness's child: registered before any sweep could reap it as an orphan.
    auto guard = reaper.launch_guard();
    space.emplace(NamespaceSpawn{run.executable, options.argv, run.envp, options.cwd, run.out.fd(),
                                 run.err.fd(), &run.shm});
    if (space->init_pid() > 0) registration = reaper.register_run(space->init_pid(), nullptr);
  }
  // Whatever happens from here on: init killed and reaped (with it every process of the run),
  // then unregistered.
  rusage usage{};
  bool released = false;
  auto release = [&] {
    if (released) return;
    released = true;
    usage = space->finish();
    if (registration) {
      reaper.main_reaped(registration);
      reaper.unregister_run(registration);
    }
  };
  struct OnExit {
    decltype(release)& action;
    ~OnExit() { action(); }
  } on_exit{release};

  if (auto error = space->wait_started(deadline_after(start, options.timeout + std::chrono::seconds(10)))) {
    record.launch_error = "cannot start " + options.argv[0] + ": " + *error;
    return;
  }
  const ExitWait ended = wait_exit_or_quiet(
      {.deadline = deadline_after(start, options.timeout), .quiet = options.hang_when_quiet},
      [&](Clock::time_point until) { return space->wait_program_exit(until); },
      [&] { return space->alive(); }, [&] { return run.out.size() + run.err.size(); });
  const auto end = Clock::now();
  if (ended != ExitWait::exited) {
    record.timed_out = true;
    record.hung_quiet = ended == ExitWait::quiet;
    if (options.collect_stacks) {
      try {
        StackDumpOptions dump;
        dump.python_stacks_dir = run.stacks_dir;
        record.stacks = dump_stacks(space->alive(), dump);
      } catch (const std::exception& e) {
        record.stacks += std::string("(stack dump failed: ") + e.what() + ")\n";
      }
    }
    space->signal_all(SIGTERM);
    space->wait_empty(Clock::now() + options.kill_grace);  // then finish() kills what is left
  } else {
    for (int pid : wait_for_leftovers([&] { return space->alive(); }, options.leak_grace,
                                      options.leak_limit))
      record.leaked_processes.push_back(describe_process(pid));
  }
  release();
  record.status = space->exit_status() ? ExitStatus::from_wait_status(*space->exit_status())
                                       : ExitStatus::killed(SIGKILL);
  record.wall_s = std::chrono::duration<double>(end - start).count();
  // Init's rusage covers the program and every process init reaped: the whole tree.
  record.user_s = seconds_of(usage.ru_utime);
  record.sys_s = seconds_of(usage.ru_stime);
  record.peak_rss_kb = usage.ru_maxrss;
}

}  // namespace parity
