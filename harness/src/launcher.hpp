#pragma once
// Runs one program: own process group, under the harness as child subreaper (so grandchildren
// cannot escape), with a timeout. On timeout: stacks of every process in the tree (gdb for native
// processes, faulthandler for Python ones), then SIGTERM, then SIGKILL of the whole tree. Captures
// stdout, stderr, exit status, wall/user/sys time, peak RSS and anything left behind.
// Thread-safe: the runner calls run() from several worker threads at once.
//
// The program starts (vfork + exec through Boost.Process v2) with stdin /dev/null, stdout and
// stderr in anonymous memory files (never pipes: a leaked grandchild holding them cannot block
// the harness), default signal dispositions and an empty signal mask whatever the harness's, the
// harness's environment plus LaunchOptions::env_overrides, in its own process group.
// Processes are only ever reaped by pid (see orphan_reaper.hpp), never with waitpid(-1).
//
// Where the machine allows it, the run is followed through its own PID namespace instead
// (pid_namespace.hpp: nothing escapes it, everything dies with it). What follows is the fallback.
//
// How a run's processes are found (for stacks, leaks and killing): every run gets its own process
// group (setpgid in the child) and the environment entry PARITY_RUN_<id>=1 (plus PARITY_RUN_ID=<id>
// for the program's information), inherited by the whole tree. A process belongs to the run if it
// is in the run's group or carries its entry; processes that setsid() keep the entry. Since the
// harness is the subreaper, every surviving process of a run is a descendant of the harness, so
// only the harness's own subtree is searched (/proc/PID/task/*/children), never all of /proc. A
// process that both leaves the group and clears its environment before exec escapes detection.
//
// /dev/shm: see shm_sandbox.hpp (each run gets a private /dev/shm where privileges allow).
// Each run also gets its own TMPDIR under the launcher's directory (in $TMPDIR, else /tmp), removed
// with what is in it after the run, and RLIMIT_CORE 0 (no core files in the case's directory).
// Python: the launcher writes a sitecustomize.py (harness/src/sitecustomize.py, embedded at build
// time) into its temp directory and prepends that directory to PYTHONPATH (keeping any existing value); it registers faulthandler on SIGUSR2 for
// all threads, writing to $PARITY_STACKS_DIR/<pid>.txt through a descriptor >= 1000 (so the case's
// own descriptor numbers do not shift), re-armed in forked children, and chains to any other
// sitecustomize on the path. Python started with -I or -E is not armed; gdb is used instead.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_record.hpp"

namespace parity {

// Everything the launcher needs to run one program once.
struct LaunchOptions {
  std::vector<std::string> argv;                  // argv[0] is a path (or a name found on PATH)
  std::filesystem::path cwd;                      // empty: the harness's cwd
  std::map<std::string, std::string> env_overrides;  // on top of the harness's environment
  std::chrono::milliseconds timeout{10'000};
  bool python = false;          // arm faulthandler in every Python process (if collect_stacks)
  bool collect_stacks = true;   // on timeout, dump stacks of every process before killing
  // When > 0: the run counts as hung (as at its timeout, RunRecord::hung_quiet) as soon as its whole
  // tree has been quiet this long (tree_quiescence.hpp: no thread scheduled, no output). Only for
  // runs that may hang, with an interval longer than any timed wait of the programs.
  std::chrono::milliseconds hang_when_quiet{0};
  // On timeout: SIGTERM to the tree, this long for it to exit, then SIGKILL.
  std::chrono::milliseconds kill_grace{200};
  // After the main process exited: how long what is left of its tree may take to exit by itself
  // (Python's resource tracker and forkserver notice their parent's exit asynchronously) before
  // it counts as leaked and is killed. Costs nothing when nothing is left.
  std::chrono::milliseconds leak_grace{1'000};
  // Leftovers still making progress after leak_grace get more time, up to this in all
  // (run_leftovers.hpp).
  std::chrono::milliseconds leak_limit{10'000};
};

class Launcher {
 public:
  // Makes the calling process a child subreaper (prctl). Construct once, before any run.
  Launcher();
  ~Launcher();
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  // Never throws for a misbehaving program: a failure to start is RunRecord::launch_error.
  RunRecord run(const LaunchOptions& options);

 private:
  RunRecord run_once(const LaunchOptions& options);
  std::filesystem::path temp_root_;        // owned: removed by the destructor
  std::filesystem::path sitecustomize_dir_;  // put first on PYTHONPATH when arming Python
  int owner_pid_ = 0;
};

}  // namespace parity
