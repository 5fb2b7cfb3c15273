#pragma once
// The two ways Launcher::run follows a program once it is prepared (launcher.hpp): in its own PID
// namespace where the machine allows it (namespace_run.cpp), else in its own process group found
// through the harness's subtree (launcher.cpp). Both fill the record's status, timing, stacks and
// leaked processes; the caller fills the rest.

#include <sys/time.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "captured_output.hpp"
#include "launcher.hpp"
#include "run_record.hpp"
#include "shm_sandbox.hpp"

namespace parity {

struct PreparedRun {
  const LaunchOptions& options;
  std::string executable;  // argv[0] resolved
  const char* const* envp;
  const CapturedOutput& out;
  const CapturedOutput& err;
  const ShmSandbox& shm;
  std::filesystem::path stacks_dir;  // armed Python processes write their stacks here
  std::string marker;                // the run's environment entry (process-group flow)
};

void run_in_pid_namespace(const PreparedRun& run, RunRecord& record);
void run_in_process_group(const PreparedRun& run, RunRecord& record);

// pid, ppid and command line of a live process, for a report; pids as the program knows them (in
// its PID namespace, where it has one).
ProcessInfo describe_process(int pid);

// start + timeout, saturated at the clock's end.
inline std::chrono::steady_clock::time_point deadline_after(std::chrono::steady_clock::time_point start,
                                                           std::chrono::steady_clock::duration timeout) {
  using Clock = std::chrono::steady_clock;
  return timeout >= Clock::time_point::max() - start ? Clock::time_point::max() : start + timeout;
}

inline double seconds_of(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace parity
