#pragma once
// What one run of one case program produced: plain data, filled by the Launcher, read by the
// normalizer, comparators, verdicts and reporters. (What to run is LaunchOptions, launcher.hpp.)

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parity {

// How a program ended, as a value: exited(code) or killed(signal). Never "running".
class ExitStatus {
 public:
  static ExitStatus exited(int code) { return ExitStatus(Kind::exited, code); }
  static ExitStatus killed(int signal) { return ExitStatus(Kind::killed, signal); }
  // From a waitpid() status word.
  static ExitStatus from_wait_status(int status);

  bool is_exited() const noexcept { return kind_ == Kind::exited; }
  bool is_killed() const noexcept { return kind_ == Kind::killed; }
  int code() const noexcept { return kind_ == Kind::exited ? value_ : -1; }
  int signal() const noexcept { return kind_ == Kind::killed ? value_ : 0; }
  // "exit:0", "exit:3", "signal:SIGSEGV": the spelling case.toml uses for outcomes.
  std::string str() const;

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;

 private:
  enum class Kind { exited, killed };
  ExitStatus(Kind kind, int value) : kind_(kind), value_(value) {}
  Kind kind_;
  int value_;
};

// "SIGSEGV" for 11; "SIG<n>" for unknown numbers. And back: 11 for "SIGSEGV" or "SEGV".
std::string signal_name(int signal);
std::optional<int> signal_number(std::string_view name);

// One process found in the program's tree (for stacks and leaks).
struct ProcessInfo {
  int pid = 0;
  int ppid = 0;
  std::string command;  // /proc/PID/cmdline, spaces between arguments
};

// The most of each stream (stdout, stderr) a run's record holds. What a program writes beyond it is
// counted (RunRecord::stdout_bytes) but not kept, and a run whose stdout went past it cannot be
// compared: its verdict says "output exceeds the capture limit".
inline constexpr std::size_t capture_limit_bytes = 64u << 20;

struct RunRecord {
  std::vector<std::string> argv;  // exactly what ran (the command line to rerun by hand)
  std::filesystem::path cwd;
  std::map<std::string, std::string> env_overrides;

  std::string stdout_text;  // at most capture_limit_bytes, then a truncation note
  std::string stderr_text;
  std::uint64_t stdout_bytes = 0;  // everything the program's tree wrote, kept or not
  std::uint64_t stderr_bytes = 0;
  std::optional<ExitStatus> status;  // empty only when the program could not be started
  bool timed_out = false;            // the harness killed it after LaunchOptions::timeout
  bool hung_quiet = false;           // timed_out early: quiet for LaunchOptions::hang_when_quiet
  std::string launch_error;          // why it could not be started (then status is empty)

  double wall_s = 0;  // start to exit of the main process (timed out: to the timeout, or to hung_quiet)
  double user_s = 0;  // rusage of the whole tree the harness reaped
  double sys_s = 0;
  std::int64_t peak_rss_kb = 0;

  // On timeout: one block per process of the tree, "== pid 123: <command>\n<stack>".
  std::string stacks;
  // Left behind after the main process ended (each killed and reaped by the launcher).
  std::vector<ProcessInfo> leaked_processes;
  // Entries of /dev/shm created during the run and still there afterwards (each removed).
  std::vector<std::string> leaked_shm;

  bool stdout_exceeded() const noexcept { return stdout_bytes > capture_limit_bytes; }
  bool leaked() const noexcept { return !leaked_processes.empty() || !leaked_shm.empty(); }
};

}  // namespace parity
