// QuiescenceWatch: samples of a tree's threads from /proc.

#include "tree_quiescence.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
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

std::optional<QuiescenceWatch::TreeSample> QuiescenceWatch::sample(const std::vector<int>& pids,
                                                                   std::uint64_t output_bytes) {
  TreeSample tree{{}, output_bytes};
  for (int pid : pids) {
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(tasks, error)) {
      const std::string task_dir = entry.path().string();
      if (!asleep(thread_state(task_dir))) return std::nullopt;
      // "<ns on a CPU> <ns waiting for one> <times run>"
      std::ifstream schedstat(task_dir + "/schedstat");
      ThreadSample thread{pid, std::atoi(entry.path().filename().c_str()), 0, 0};
      std::uint64_t waited = 0;
      if (!(schedstat >> thread.cpu_ns >> waited >> thread.run_count)) return std::nullopt;
      tree.threads.push_back(thread);
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
