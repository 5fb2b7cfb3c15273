// /proc readers. Plain open/read/close: the launcher calls these on every run, so they avoid
// iostreams and allocate little.

#include "process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "eintr.hpp"

namespace parity::proc {
namespace {

// Whole contents of a small /proc file; nullopt if it cannot be opened.
std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t n = retry_on_eintr([&] { return ::read(fd, buffer, sizeof buffer); });
    if (n <= 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

std::string proc_path(int pid, const char* leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

void append_pids(std::string_view text, std::vector<int>& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t')) ++p;
    int value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc{}) break;
    out.push_back(value);
    p = next;
  }
}

}  // namespace

std::optional<ProcessStat> read_stat(int pid) {
  auto text = read_small_file(proc_path(pid, "stat"));
  if (!text) return std::nullopt;
  // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
  auto close = text->rfind(')');
  if (close == std::string::npos || close + 2 >= text->size()) return std::nullopt;
  ProcessStat stat;
  stat.pid = pid;
  stat.state = (*text)[close + 2];
  const char* p = text->data() + close + 3;
  const char* end = text->data() + text->size();
  // Fields 4..15: ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime.
  long long fields[12] = {};
  for (long long& field : fields) {
    while (p < end && *p == ' ') ++p;
    auto [next, ec] = std::from_chars(p, end, field);
    if (ec != std::errc{}) return std::nullopt;
    p = next;
  }
  stat.ppid = static_cast<int>(fields[0]);
  stat.pgid = static_cast<int>(fields[1]);
  stat.sid = static_cast<int>(fields[2]);
  stat.cpu_ticks = fields[10] + fields[11];
  return stat;
}

std::vector<int> children_of(int pid) {
  std::vector<int> children;
  std::string task_dir = proc_path(pid, "task");
  DIR* dir = ::opendir(task_dir.c_str());
  if (!dir) return children;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    if (auto text = read_small_file(task_dir + "/" + entry->d_name + "/children"))
      append_pids(*text, children);
  }
  ::closedir(dir);
  return children;
}

bool descends_from(int pid, int ancestor) {
  for (int step = 0; step < 4096 && pid > 1; ++step) {
    auto stat = read_stat(pid);
    if (!stat) return false;
    if (stat->ppid == ancestor) return true;
    pid = stat->ppid;
  }
  return false;
}

std::vector<int> descendants_of(int pid) {
  std::vector<int> found = children_of(pid);
  for (size_t i = 0; i < found.size(); ++i) {
    auto more = children_of(found[i]);
    found.insert(found.end(), more.begin(), more.end());
  }
  return found;
}

namespace {

// Calls visit(entry) for every "NAME=VALUE" entry until it returns true.
template <typename Visit>
bool any_environ_entry(int pid, Visit visit) {
  auto text = read_small_file(proc_path(pid, "environ"));
  if (!text) return false;
  std::string_view rest(*text);
  while (!rest.empty()) {
    auto nul = rest.find('\0');
    std::string_view entry = rest.substr(0, nul);
    if (visit(entry)) return true;
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return false;
}

}  // namespace

bool environ_contains(int pid, std::string_view key_value) {
  return any_environ_entry(pid, [&](std::string_view entry) { return entry == key_value; });
}

std::string command_line(int pid) {
  auto text = read_small_file(proc_path(pid, "cmdline"));
  if (text && !text->empty()) {
    while (!text->empty() && text->back() == '\0') text->pop_back();
    for (char& c : *text)
      if (c == '\0') c = ' ';
    return *text;
  }
  auto comm = read_small_file(proc_path(pid, "comm"));
  if (!comm) return {};
  while (!comm->empty() && comm->back() == '\n') comm->pop_back();
  return "[" + *comm + "]";
}

int innermost_pid(int pid) {
  auto text = read_small_file(proc_path(pid, "status"));
  if (!text) return pid;
  auto at = text->find("\nNSpid:");
  if (at == std::string::npos) return pid;
  auto end = text->find('\n', at + 1);
  std::vector<int> pids;
  append_pids(std::string_view(*text).substr(at + 7, end - (at + 7)), pids);
  return pids.empty() ? pid : pids.back();
}

std::string executable(int pid) {
  char buffer[4096];
  ssize_t n = ::readlink(proc_path(pid, "exe").c_str(), buffer, sizeof buffer);
  if (n <= 0) return {};
  return std::string(buffer, static_cast<size_t>(n));
}

}  // namespace parity::proc
