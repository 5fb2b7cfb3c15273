// mp::dummy: Pool and Process on threads of this process, with CPython's ThreadPool and
// DummyProcess semantics and errors. Blocking is made deterministic with latches, never sleeps.
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <latch>
#include <numeric>
#include <regex>
#include <set>
#include <stdexcept>

#include "mp/dummy.hpp"
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_text;

int square(int x) { return x * x; }
int tid() { return static_cast<int>(::syscall(SYS_gettid)); }

TEST(DummyPool, TasksRunOnThreadsOfThisProcess) {
  mp::dummy::Pool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  std::vector<int> items(20);
  std::iota(items.begin(), items.end(), 0);
  const auto where = pool.map([](int) { return std::make_pair(static_cast<int>(::getpid()), tid()); }, items);
  std::set<int> threads;
  for (auto [pid, thread] : where) {
    EXPECT_EQ(pid, static_cast<int>(::getpid()));
    EXPECT_NE(thread, tid());
    threads.insert(thread);
  }
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), 2u);
}

TEST(DummyPool, SameResultsAsThePoolApi) {
  mp::dummy::Pool pool(3);
  std::vector<int> items{1, 2, 3, 4, 5};
  EXPECT_EQ(pool.map(square, items), (std::vector<int>{1, 4, 9, 16, 25}));
  EXPECT_EQ(pool.map_async(square, items).get(60s), (std::vector<int>{1, 4, 9, 16, 25}));
  EXPECT_EQ(pool.apply(square, 7), 49);
  EXPECT_EQ(pool.apply_async(square, 8).get(60s), 64);
  int offset = 100;  // nothing travels: a capturing lambda is fine
  EXPECT_EQ(pool.apply([&offset](int x) { return x + offset; }, 1), 101);
  std::vector<std::tuple<int, int>> pairs{{1, 2}, {3, 4}};
  EXPECT_EQ(pool.starmap([](int a, int b) { return a * b; }, pairs), (std::vector<int>{2, 12}));
  auto in_order = pool.imap(square, items);
  for (int x : items) EXPECT_EQ(in_order.next(60s), x * x);
  EXPECT_FALSE(in_order.next(60s).has_value());
  auto unordered = pool.imap_unordered(square, items);
  std::vector<int> got;
  while (auto value = unordered.next(60s)) got.push_back(*value);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int>{1, 4, 9, 16, 25}));
  EXPECT_TRUE(pool.map(square, std::vector<int>{}).empty());
  pool.apply_async([] {}).get(60s);  // void tasks
}

TEST(DummyPool, ExceptionsArriveAsThemselves) {
  mp::dummy::Pool pool(1);
  auto failing = pool.apply_async([]() -> int { throw std::out_of_range("index 9"); });
  EXPECT_THROW(failing.get(60s), std::out_of_range);
  EXPECT_FALSE(failing.successful());
  EXPECT_EQ(error_text([&] { pool.map([](int x) -> int { if (x == 2) throw mp::KeyError("'k'"); return x; },
                                     std::vector<int>{1, 2, 3}); }),
            "KeyError: 'k'");
}

TEST(DummyPool, TimeoutsAndReadiness) {
  mp::dummy::Pool pool(1);
  std::latch release(1);
  auto blocked = pool.apply_async([&release] {
    release.wait();
    return 1;
  });
  EXPECT_FALSE(blocked.ready());
  EXPECT_THROW(blocked.get(10ms), mp::TimeoutError);
  EXPECT_EQ(error_text([&] { blocked.successful(); }).rfind("ValueError: ", 0), 0u);
  release.count_down();
  EXPECT_EQ(blocked.get(60s), 1);
  EXPECT_TRUE(blocked.ready());
  EXPECT_TRUE(blocked.successful());
}

TEST(DummyPool, LifecycleErrorsAreCPythons) {
  EXPECT_EQ(error_text([] { mp::dummy::Pool pool(0); }), "ValueError: Number of processes must be at least 1");
  mp::dummy::Pool pool(2);
  EXPECT_EQ(error_text([&] { pool.join(); }), "ValueError: Pool is still running");
  auto pending = pool.map_async(square, std::vector<int>(50, 3));
  pool.close();
  EXPECT_EQ(error_text([&] { pool.apply(square, 1); }), "ValueError: Pool not running");
  pool.join();  // the queued work finishes first
  EXPECT_EQ(pending.get(0s), std::vector<int>(50, 9));
}

TEST(DummyPool, TerminateFailsQueuedTasks) {
  mp::dummy::Pool pool(1);
  std::latch running(1), release(1);
  auto busy = pool.apply_async([&] {
    running.count_down();
    release.wait();
    return 1;
  });
  running.wait();
  auto queued = pool.apply_async(square, 2);
  std::thread terminator([&] { pool.terminate(); });
  EXPECT_EQ(error_text([&] { queued.get(60s); }),
            "BrokenProcessPool: the pool was terminated before this task completed");
  release.count_down();
  terminator.join();
  EXPECT_EQ(busy.get(60s), 1);  // a running task finishes: a thread cannot be killed
  pool.join();
}

void set_flag(std::shared_ptr<std::atomic<bool>> flag) { *flag = true; }

TEST(DummyProcess, AThreadBehindTheProcessApi) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  mp::dummy::Process t(set_flag, flag);
  EXPECT_TRUE(std::regex_match(t.name(), std::regex("Thread-[0-9]+"))) << t.name();
  EXPECT_FALSE(t.daemon());
  EXPECT_FALSE(t.exitcode().has_value());
  EXPECT_FALSE(t.is_alive());
  EXPECT_FALSE(t.ident().has_value());
  EXPECT_EQ(error_text([&] { t.join(); }), "RuntimeError: cannot join thread before it is started");
  t.start();
  ASSERT_TRUE(t.ident().has_value());
  EXPECT_NE(*t.ident(), tid());
  t.join();
  EXPECT_TRUE(flag->load());
  EXPECT_FALSE(t.is_alive());
  EXPECT_EQ(t.exitcode(), 0);
  EXPECT_EQ(error_text([&] { t.start(); }), "RuntimeError: threads can only be started once");
  mp::dummy::Process named(mp::ProcessOptions{.name = "worker", .daemon = true}, [] {});
  EXPECT_EQ(named.name(), "worker");
  EXPECT_TRUE(named.daemon());
}

TEST(DummyProcess, JoinWithTimeoutReturnsWhileRunning) {
  std::latch release(1);
  mp::dummy::Process t([&release] { release.wait(); });
  t.start();
  t.join(10ms);
  EXPECT_TRUE(t.is_alive());
  EXPECT_FALSE(t.exitcode().has_value());
  release.count_down();
  t.join(60s);
  EXPECT_FALSE(t.is_alive());
  EXPECT_EQ(t.exitcode(), 0);
}

TEST(DummyProcess, ATargetThatThrowsIsReportedAndExitcodeIsZero) {
  mp::dummy::Process t([] { throw mp::ValueError("x"); });
  testing::internal::CaptureStderr();
  t.start();
  t.join();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "Exception in thread " + t.name() + ":\nTraceback (most recent call last):\nValueError: x\n");
  EXPECT_EQ(t.exitcode(), 0);  // CPython's DummyProcess.exitcode, whatever the target did
}

}  // namespace
