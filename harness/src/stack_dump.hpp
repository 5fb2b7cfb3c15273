#pragma once
// Stacks of a set of live processes, taken before the launcher kills a hung tree. Native processes:
// `gdb --batch -p PID -ex "thread apply all bt"`, a few gdbs at a time (each costs tens of MB;
// a big hung tree must not start hundreds at once), and stacks for at most max_processes
// processes: the rest are listed by pid and command line. Python processes (executable
// named python*) that the launcher armed with faulthandler: SIGUSR2, which makes them write every
// thread's Python stack to <python_stacks_dir>/<pid>.txt. A Python process without an armed file
// falls back to gdb (C-level stack of the interpreter).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace parity {

struct StackDumpOptions {
  // Where armed Python processes write <pid>.txt; empty when none were armed.
  std::filesystem::path python_stacks_dir;
  // Bound on all gdbs together; a gdb still running then is killed and its partial output kept.
  std::chrono::milliseconds gdb_timeout{30'000};
  // Bound on waiting for faulthandler files to be written after SIGUSR2.
  std::chrono::milliseconds python_timeout{3'000};
  // At most this many gdbs run at once.
  std::size_t max_concurrent_gdbs = 4;
  // Stacks for the first max_processes processes given; the others get a one-line note.
  std::size_t max_processes = 32;
};

// One block per process, in the order given: "== pid 123: <command line>\n<stack>\n". Processes
// that vanished meanwhile get a one-line note. Never throws for a misbehaving process.
std::string dump_stacks(const std::vector<int>& pids, const StackDumpOptions& options = {});

}  // namespace parity
