// QuiescenceWatch: samples of a tree's threads from /proc.

#include "tree_quiescence.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace parity {
namespace {

// The state letter of /proc/PID/task/TID/stat (after the parenthesised command name), '?' if gone.
char thread_state(const std::string& task_dir) {
  std::ifstream in(task_dir + "/stat");
  std::string text;
  std::getline(in, text);
  const auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() ? '?' : text[close + 2];
}

bool asleep(char state) { return state == 'S' || state == 'T' || state == 't'; }

}  // namespace

std::optional<SchedStat> parse_schedstat(std::string_view text) {
  // "<ns on a CPU> <ns waiting for one> <times run>"
  SchedStat stat;
  std::uint64_t waited = 0;
  std::istringstream in{std::string(text)};
  if (!(in >> stat.cpu_ns >> waited >> stat.run_count)) return std::nullopt;
  // Every thread has been on a CPU at least once (a new thread is runnable until it first runs; it
  // must run to sleep): a count of 0 is a kernel that does not keep it, which says nothing.
  if (stat.run_count == 0) return std::nullopt;
  return stat;
}

std::optional<QuiescenceWatch::TreeSample> QuiescenceWatch::sample(const std::vector<int>& pids,
                                                                   std::uint64_t output_bytes) {
  TreeSample tree{{}, output_bytes};
  for (int pid : pids) {
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(tasks, error)) {
      const std::string task_dir = entry.path().string();
      if (!asleep(thread_state(task_dir))) return std::nullopt;
      std::ifstream file(task_dir + "/schedstat");
      std::string text;
      std::getline(file, text);
      const std::optional<SchedStat> stat = parse_schedstat(text);
      if (!stat) return std::nullopt;
      tree.threads.push_back({pid, std::atoi(entry.path().filename().c_str()), stat->cpu_ns, stat->run_count});
    }
    if (error) return std::nullopt;  // the process went away: the tree changed
  }
  std::sort(tree.threads.begin(), tree.threads.end(), [](const ThreadSample& a, const ThreadSample& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.tid < b.tid;
  });
  return tree;
}

bool QuiescenceWatch::observe(const std::vector<int>& pids, std::uint64_t output_bytes,
                              Clock::time_point now) {
  std::optional<TreeSample> current = pids.empty() ? std::nullopt : sample(pids, output_bytes);
  if (!current || !quiet_sample_ || !(*current == *quiet_sample_)) {
    quiet_sample_ = std::move(current);
    quiet_since_ = now;
    return false;
  }
  return now - quiet_since_ >= interval_;
}

ExitWait wait_exit_or_quiet(const ExitWaitOptions& options,
                            const std::function<bool(std::chrono::steady_clock::time_point)>& wait_exit_until,
                            const std::function<std::vector<int>()>& alive,
                            const std::function<std::uint64_t()>& output_bytes) {
  using Clock = std::chrono::steady_clock;
  if (options.quiet <= std::chrono::milliseconds::zero())
    return wait_exit_until(options.deadline) ? ExitWait::exited : ExitWait::timed_out;
  QuiescenceWatch watch(options.quiet);
  for (;;) {
    const auto now = Clock::now();
    if (watch.observe(alive(), output_bytes(), now)) return ExitWait::quiet;
    const auto slice_end = options.deadline - now > options.period ? now + options.period : options.deadline;
    if (wait_exit_until(slice_end)) return ExitWait::exited;
    if (slice_end == options.deadline) return ExitWait::timed_out;
  }
}

}  // namespace parity
