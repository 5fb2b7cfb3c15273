// ExitStatus and signal names: the spelling case.toml outcomes and reports use.

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <string>
#include <string_view>

#include "run_record.hpp"

namespace parity {
namespace {

struct SignalEntry {
  int number;
  std::string_view name;
};

// Linux x86-64/arm64 numbering, via the libc macros so it follows the platform.
constexpr std::array<SignalEntry, 31> signal_table{{
    {SIGHUP, "SIGHUP"},       {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"},
    {SIGILL, "SIGILL"},       {SIGTRAP, "SIGTRAP"},     {SIGABRT, "SIGABRT"},
    {SIGBUS, "SIGBUS"},       {SIGFPE, "SIGFPE"},       {SIGKILL, "SIGKILL"},
    {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"},     {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"},     {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"},
    {SIGSTKFLT, "SIGSTKFLT"}, {SIGCHLD, "SIGCHLD"},     {SIGCONT, "SIGCONT"},
    {SIGSTOP, "SIGSTOP"},     {SIGTSTP, "SIGTSTP"},     {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},       {SIGXCPU, "SIGXCPU"},
    {SIGXFSZ, "SIGXFSZ"},     {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},
    {SIGWINCH, "SIGWINCH"},   {SIGIO, "SIGIO"},         {SIGPWR, "SIGPWR"},
    {SIGSYS, "SIGSYS"},
}};

}  // namespace

ExitStatus ExitStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return killed(WTERMSIG(status));
  if (WIFEXITED(status)) return exited(WEXITSTATUS(status));
  // Stopped/continued statuses are never passed here (no WUNTRACED); treat as a plain exit code.
  return exited(status);
}

std::string ExitStatus::str() const {
  if (is_killed()) return "signal:" + signal_name(value_);
  return "exit:" + std::to_string(value_);
}

std::string signal_name(int signal) {
  for (const auto& entry : signal_table)
    if (entry.number == signal) return std::string(entry.name);
  return "SIG" + std::to_string(signal);
}

std::optional<int> signal_number(std::string_view name) {
  std::string_view bare = name;
  if (bare.substr(0, 3) == "SIG") bare.remove_prefix(3);
  if (bare.empty()) return std::nullopt;
  for (const auto& entry : signal_table)
    if (entry.name.substr(3) == bare) return entry.number;
  // "SIG42" / "42": a raw number within the signal range.
  int value = 0;
  for (char c : bare) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > 64) return std::nullopt;
  }
  if (value < 1) return std::nullopt;
  return value;
}

}  // namespace parity
