#pragma once
// Read-only views of /proc used by the launcher: a process's stat fields, its children (through
// /proc/PID/task/*/children, so only the tree under a process is visited, never all of /proc),
// its command line, executable and environment. A process that vanished while being read is
// reported as absent (std::nullopt / empty), never as an error: processes exit at any time.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::proc {

struct ProcessStat {
  int pid = 0;
  int ppid = 0;
  int pgid = 0;
  int sid = 0;
  char state = '?';  // R, S, D, Z, T, ...: /proc/PID/stat field 3
  long long cpu_ticks = 0;  // utime + stime, in clock ticks
  bool zombie() const noexcept { return state == 'Z' || state == 'X'; }
  // Running or waiting for a CPU, or in uninterruptible sleep (disk I/O): making progress.
  bool busy() const noexcept { return state == 'R' || state == 'D'; }
};

// /proc/PID/stat, or nullopt if the process is gone.
std::optional<ProcessStat> read_stat(int pid);

// Direct children of every thread of pid (a subreaper's adopted orphans hang off whichever of its
// threads the kernel picked). Empty if pid is gone.
std::vector<int> children_of(int pid);

// Whether pid (alive or a zombie) descends from ancestor, following parent links.
bool descends_from(int pid, int ancestor);

// pid's descendants (not pid itself), breadth first.
std::vector<int> descendants_of(int pid);

// Whether /proc/PID/environ holds exactly the entry `key_value` ("NAME=VALUE"). False if the
// process is gone or a zombie (whose environment is no longer readable).
bool environ_contains(int pid, std::string_view key_value);

// /proc/PID/cmdline with spaces between arguments; "[comm]" for processes without one.
std::string command_line(int pid);

// readlink(/proc/PID/exe), empty if unreadable.
std::string executable(int pid);

// The pid the process has in its own (innermost) PID namespace: the last NSpid field of
// /proc/PID/status; pid itself when it has no other, or when the process is gone.
int innermost_pid(int pid);

}  // namespace parity::proc
