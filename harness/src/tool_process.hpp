#pragma once
// A helper tool the harness itself runs (gdb, the C++ compiler): stdin /dev/null, stdout and stderr
// together into one capture, in the harness's environment, bounded in time. Each tool runs in its
// own process group, registered with the OrphanReaper like a run's main process, so that what it
// leaves behind (gdb's helper children, re-parented to the subreaper harness) is killed and reaped
// with it. On timeout the tool and its descendants are killed and reaped.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "captured_output.hpp"
#include "child_watch.hpp"
#include "run_record.hpp"

namespace parity {

struct ToolResult {
  std::optional<ExitStatus> status;  // empty if it could not start or was killed at the deadline
  bool timed_out = false;
  std::string output;  // stdout and stderr interleaved as written
  std::string error;   // why it could not start
  bool succeeded() const noexcept { return status && *status == ExitStatus::exited(0); }
};

class ToolProcess {
 public:
  // Starts argv (argv[0] found on PATH if it has no '/') in cwd (empty: the harness's cwd).
  explicit ToolProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {});
  // Kills and reaps the tool if finish() was not called.
  ~ToolProcess();
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // Waits for the tool until deadline, then kills it if still running; reaps it; returns its
  // result. Call once.
  ToolResult finish(std::chrono::steady_clock::time_point deadline);

 private:
  void kill_and_reap();
  void reap_group_leftovers();
  int pid_ = -1;
  std::uint64_t registration_ = 0;  // with the OrphanReaper
  std::string start_error_;
  std::unique_ptr<CapturedOutput> output_;
  std::unique_ptr<ChildWatch> watch_;
};

// Starts argv and finishes it within timeout.
ToolResult run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                    const std::filesystem::path& cwd = {});

}  // namespace parity
