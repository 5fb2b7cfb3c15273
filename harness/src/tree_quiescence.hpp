#pragma once
// Recognising a hung process tree before its timeout: the tree is *quiet* when, between two
// observations, the set of its processes and threads is the same, every thread is asleep or stopped
// (state S, T or t: none running, runnable or in uninterruptible sleep), no thread has been on a CPU
// (the run count and CPU time in /proc/PID/task/TID/schedstat are unchanged: a thread that woke and
// went back to sleep, even without a clock tick of CPU, counts as having run) and nothing was
// written to the run's output. A tree quiet for a whole interval is taken as hung for good.
//
// That is sound only if nothing in the tree waits on a clock for longer than the interval (a sleep,
// a timed wait, an alarm): a thread blocked in such a wait looks the same as one blocked forever.
// So the interval is declared by the case (docs/case-format.md, [expect] hang_after_quiet_s), for
// runs that may hang, by the author who knows the programs' timed waits. A tree starved of a CPU
// is not quiet (its threads are runnable), so a loaded machine cannot fake quiescence.
//
// What else cannot fake quiescence: a process being forked or exec'ing (its parent and it are
// running, or in uninterruptible sleep, D, as is a vfork() parent until its child execs; a new
// process changes the set), reading a file from a local disk (D), a zombie (not in the tree: it
// never runs again). What can: a tree waiting on something outside itself that takes longer than
// the interval (a FUSE file system, a network peer); case programs wait only on each other.
//
// Where /proc/PID/task/TID/schedstat is unreadable or counts no runs (kernels without sched_info
// print "0 0 0") a tree is never quiet: the run waits its full timeout, as without this.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace parity {

// One thread's /proc/PID/task/TID/schedstat: time on a CPU (ns) and the times it was put on one.
struct SchedStat {
  std::uint64_t cpu_ns = 0;
  std::uint64_t run_count = 0;
};
// Nothing for text that does not parse, or that counts no runs (a kernel not keeping them).
std::optional<SchedStat> parse_schedstat(std::string_view text);

class QuiescenceWatch {
 public:
  using Clock = std::chrono::steady_clock;

  explicit QuiescenceWatch(Clock::duration interval) : interval_(interval) {}

  // One observation of the tree (its live processes, harness pids) and of the bytes written to its
  // outputs so far. True once the tree has been quiet since an observation at least `interval` ago.
  bool observe(const std::vector<int>& pids, std::uint64_t output_bytes, Clock::time_point now);

 private:
  struct ThreadSample {
    int pid;
    int tid;
    std::uint64_t cpu_ns;
    std::uint64_t run_count;
    friend bool operator==(const ThreadSample&, const ThreadSample&) = default;
  };
  struct TreeSample {
    std::vector<ThreadSample> threads;  // sorted by (pid, tid)
    std::uint64_t output_bytes;
    friend bool operator==(const TreeSample&, const TreeSample&) = default;
  };
  // Nothing when a thread is not asleep (or a file could not be read): the tree is not quiet now.
  static std::optional<TreeSample> sample(const std::vector<int>& pids, std::uint64_t output_bytes);

  Clock::duration interval_;
  std::optional<TreeSample> quiet_sample_;  // unchanged since quiet_since_
  Clock::time_point quiet_since_{};
};

// How a wait for a program's exit ended.
enum class ExitWait { exited, timed_out, quiet };

// Waits for a program's exit (wait_exit_until(t): true once it exited, false at t) until deadline.
// With quiet > 0 the tree (alive(): its live processes) and its output (output_bytes()) are
// observed every `period`, and the wait ends early once they have been quiet that long.
struct ExitWaitOptions {
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds quiet{0};  // 0: wait for the exit or the deadline only
  std::chrono::milliseconds period{50};
};
ExitWait wait_exit_or_quiet(const ExitWaitOptions& options,
                            const std::function<bool(std::chrono::steady_clock::time_point)>& wait_exit_until,
                            const std::function<std::vector<int>()>& alive,
                            const std::function<std::uint64_t()>& output_bytes);

}  // namespace parity
