// QuiescenceWatch on real processes: a blocked child is quiet, a child that wakes every 20 ms
// (using almost no CPU time: no clock tick moves), one that spins, a parent waiting for its
// vfork()ed child to exec, or a tree that writes output is never quiet; wait_exit_or_quiet ends at
// the exit, the quiet interval or the deadline; schedstat lines that count no runs say nothing.

#include "tree_quiescence.hpp"

#include "process_tree.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <functional>
#include <thread>

namespace parity {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A forked child running `body`, killed and reaped at the end of the scope.
class Child {
 public:
  explicit Child(const std::function<void()>& body) : pid_(::fork()) {
    if (pid_ == 0) {
      body();
      ::_exit(0);
    }
  }
  ~Child() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  int pid() const { return pid_; }

 private:
  int pid_;
};

// A child blocked for good: reading a pipe whose write end stays open in both processes.
class BlockedChild {
 public:
  BlockedChild() : pipe_(make_pipe()), child_([this] {
    char byte;
    [[maybe_unused]] ssize_t got = ::read(pipe_[0], &byte, 1);
  }) {}
  ~BlockedChild() {
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  int pid() const { return child_.pid(); }

 private:
  static std::array<int, 2> make_pipe() {
    std::array<int, 2> fds{-1, -1};
    if (::pipe(fds.data()) != 0) throw std::runtime_error("pipe failed");
    return fds;
  }
  std::array<int, 2> pipe_;
  Child child_;
};

// Observes every 20 ms for `span`; the first time observe() said quiet (from the start), if it did.
std::optional<Clock::duration> quiet_within(QuiescenceWatch& watch, int pid, Clock::duration span,
                                            const std::function<std::uint64_t()>& output = [] { return 0; }) {
  const auto start = Clock::now();
  while (Clock::now() - start < span) {
    if (watch.observe({pid}, output(), Clock::now())) return Clock::now() - start;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

TEST(TreeQuiescence, ABlockedChildIsQuietAfterTheInterval) {
  BlockedChild blocked;
  QuiescenceWatch watch(200ms);
  auto quiet = quiet_within(watch, blocked.pid(), 5s);
  ASSERT_TRUE(quiet);
  EXPECT_GE(*quiet, 200ms);
}

TEST(TreeQuiescence, AChildThatWakesNowAndThenIsNeverQuiet) {
  Child napping([] {
    for (;;) ::usleep(20'000);
  });
  QuiescenceWatch watch(200ms);
  EXPECT_FALSE(quiet_within(watch, napping.pid(), 1500ms));
}

TEST(TreeQuiescence, ASpinningChildIsNeverQuiet) {
  Child spinning([] {
    volatile unsigned long n = 0;
    for (;;) n = n + 1;
  });
  QuiescenceWatch watch(200ms);
  EXPECT_FALSE(quiet_within(watch, spinning.pid(), 1500ms));
}

// A child still starting: posix_spawn() and CPython's subprocess vfork(); the parent waits in
// uninterruptible sleep (D) until the child execs or exits, however long that takes. Here the
// child blocks on a pipe before it would exec, and the pair must never count as hung.
TEST(TreeQuiescence, AParentWaitingForItsVforkedChildToExecIsNeverQuiet) {
  std::array<int, 2> gate{-1, -1};
  ASSERT_EQ(::pipe(gate.data()), 0);
  Child parent([&] {
    if (::vfork() == 0) {
      char byte;
      // Only system calls on the borrowed stack until _exit (what a vfork child may do).
      ::syscall(SYS_read, gate[0], &byte, 1);
      ::_exit(0);
    }
    for (;;) ::pause();
  });
  QuiescenceWatch watch(200ms);
  std::vector<int> tree{parent.pid()};
  const auto start = Clock::now();
  bool quiet = false;
  while (!quiet && Clock::now() - start < 1500ms) {
    std::this_thread::sleep_for(20ms);
    std::vector<int> pids{parent.pid()};
    for (int pid : proc::children_of(parent.pid())) pids.push_back(pid);
    quiet = watch.observe(pids, 0, Clock::now());
  }
  EXPECT_FALSE(quiet);
  // Lets the vfork child exit (every process holds the write end: no EOF), then the parent goes.
  ASSERT_EQ(::write(gate[1], "x", 1), 1);
  ::close(gate[1]);
  ::close(gate[0]);
}

TEST(TreeQuiescence, SchedstatThatCountsNoRunsSaysNothing) {
  auto stat = parse_schedstat("1234 56 7\n");
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->cpu_ns, 1234u);
  EXPECT_EQ(stat->run_count, 7u);
  EXPECT_FALSE(parse_schedstat("0 0 0\n")) << "kernels without sched_info print zeros";
  EXPECT_FALSE(parse_schedstat(""));
  EXPECT_FALSE(parse_schedstat("12 x"));
}

TEST(TreeQuiescence, OutputKeepsATreeFromBeingQuiet) {
  BlockedChild blocked;
  QuiescenceWatch watch(200ms);
  std::uint64_t bytes = 0;
  EXPECT_FALSE(quiet_within(watch, blocked.pid(), 1s, [&] { return ++bytes; }));
  EXPECT_FALSE(watch.observe({}, bytes, Clock::now())) << "an empty tree is not a hung one";
}

TEST(TreeQuiescence, WaitEndsAtTheExitTheQuietIntervalOrTheDeadline) {
  BlockedChild blocked;
  auto never_exits = [](Clock::time_point until) {
    std::this_thread::sleep_until(until);
    return false;
  };
  auto tree = [&] { return std::vector<int>{blocked.pid()}; };
  auto no_output = [] { return std::uint64_t{0}; };

  auto start = Clock::now();
  EXPECT_EQ(wait_exit_or_quiet({.deadline = start + 5s, .quiet = 200ms}, never_exits, tree, no_output),
            ExitWait::quiet);
  EXPECT_LT(Clock::now() - start, 4s);

  start = Clock::now();
  EXPECT_EQ(wait_exit_or_quiet({.deadline = start + 300ms}, never_exits, tree, no_output), ExitWait::timed_out);
  EXPECT_GE(Clock::now() - start, 300ms);

  int calls = 0;
  auto exits_at_second_look = [&](Clock::time_point) { return ++calls == 2; };
  EXPECT_EQ(wait_exit_or_quiet({.deadline = Clock::now() + 5s, .quiet = 1s}, exits_at_second_look, tree, no_output),
            ExitWait::exited);
}

}  // namespace
}  // namespace parity
