#pragma once
// Runs one program: own process group, under the harness as child subreaper (so grandchildren
// cannot escape), with a timeout. On timeout: stacks of every process in the tree (gdb for native
// processes, faulthandler for Python ones), then SIGTERM, then SIGKILL of the whole tree. Captures
// stdout, stderr, exit status, wall/user/sys time, peak RSS and anything left behind.
// Thread-safe: the runner calls run() from several worker threads at once.

#include "run_record.hpp"

namespace parity {

class Launcher {
 public:
  // Makes the calling process a child subreaper (prctl). Construct once, before any run.
  Launcher();
  ~Launcher();
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  // Never throws for a misbehaving program: a failure to start is RunRecord::launch_error.
  RunRecord run(const LaunchOptions& options);
};

}  // namespace parity
