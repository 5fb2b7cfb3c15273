// What CPython 3.11's _test_multiprocessing.py asserts about Lock, RLock, Semaphore, Condition,
// Event and Barrier that the other synchronization tests do not (docs/cpython-test-coverage.md:
// _TestLock, _TestSemaphore, _TestCondition, _TestEvent, _TestBarrier). Written from reading
// CPython's tests; the cross-process ones run under the three start methods. Every wait is bounded.
#include <atomic>
#include <thread>

#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_text;
using mp_test::eventually;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonSyncTest : public StartMethodTest {
 protected:
  // CPython's Bunch: f(args...) in kParties - 1 children and in this process; true when every
  // child exited 0 (a child exits 1 when its f returned false).
  static constexpr int kParties = 5;
  template <auto F, class... Args>
  bool run_in_bunch(Args... args) {
    std::vector<std::unique_ptr<mp::Process>> children;
    for (int i = 0; i < kParties - 1; ++i) {
      children.push_back(std::make_unique<mp::Process>(options(), run_and_exit<F, Args...>, args...));
      children.back()->start();
    }
    bool ok = F(args...);
    for (auto& child : children) ok = join_within(*child, 120s) && child->exitcode() == 0 && ok;
    return ok;
  }
  template <auto F, class... Args>
  static void run_and_exit(Args... args) {
    mp::exit(F(args...) ? 0 : 1);
  }
};

int count(const mp::RawArray<int>& counters, std::size_t k) { return std::atomic_ref<int>(counters[k]).load(); }
void bump(const mp::RawArray<int>& counters, std::size_t k) { std::atomic_ref<int>(counters[k]).fetch_add(1); }

TEST(CpythonSync, LockAndRLockReturnValues) {
  mp::Lock lock;
  EXPECT_TRUE(lock.acquire());
  EXPECT_FALSE(lock.acquire(false));
  lock.release();
  EXPECT_EQ(error_text([&] { lock.release(); }), "ValueError: semaphore or lock released too many times");
  { std::lock_guard guard(lock); }  // test_lock_context
  EXPECT_TRUE(lock.acquire(false));
  lock.release();

  mp::RLock rlock;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rlock.acquire());
  for (int i = 0; i < 3; ++i) rlock.release();
  EXPECT_EQ(error_text([&] { rlock.release(); }),
            "AssertionError: attempt to release recursive lock not owned by thread");
}

TEST(CpythonSync, SemaphoreValueAfterEachStep) {
  auto steps = [](mp::Semaphore& sem) {
    EXPECT_EQ(sem.get_value(), 2);
    EXPECT_TRUE(sem.acquire());
    EXPECT_EQ(sem.get_value(), 1);
    EXPECT_TRUE(sem.acquire());
    EXPECT_EQ(sem.get_value(), 0);
    EXPECT_FALSE(sem.acquire(false));
    EXPECT_EQ(sem.get_value(), 0);
    sem.release();
    EXPECT_EQ(sem.get_value(), 1);
    sem.release();
    EXPECT_EQ(sem.get_value(), 2);
  };
  mp::Semaphore sem(2);
  steps(sem);
  sem.release();
  EXPECT_EQ(sem.get_value(), 3);
  sem.release();
  EXPECT_EQ(sem.get_value(), 4);
  mp::BoundedSemaphore bounded(2);
  steps(bounded);
  EXPECT_THROW(bounded.release(), mp::ValueError);
  EXPECT_EQ(bounded.get_value(), 2);
}

// _TestSemaphore.test_timeout: without blocking the timeout is ignored (an immediate false); with
// it, false after the timeout.
TEST(CpythonSync, SemaphoreAcquireTimeouts) {
  mp::Semaphore sem(0);
  auto elapsed = [](auto f) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(f());
    return std::chrono::steady_clock::now() - start;
  };
  EXPECT_LT(elapsed([&] { return sem.acquire(false); }), 5s);
  EXPECT_LT(elapsed([&] { return sem.acquire(false, std::nullopt); }), 5s);
  EXPECT_LT(elapsed([&] { return sem.acquire(false, 10s); }), 5s);
  EXPECT_GE(elapsed([&] { return sem.acquire(true, 100ms); }), 90ms);
}

// CPython's _TestCondition.f: counts itself sleeping under the lock, waits, counts itself woken.
bool condition_sleeper(mp::Condition cond, mp::Semaphore sleeping, mp::Semaphore woken,
                       std::optional<double> timeout_s) {
  cond.acquire();
  sleeping.release();
  cond.wait(timeout_s ? mp::detail::WaitTimeout(std::chrono::duration<double>(*timeout_s)) : std::nullopt);
  woken.release();
  cond.release();
  return true;
}
void condition_sleeper_child(mp::Condition cond, mp::Semaphore sleeping, mp::Semaphore woken,
                             std::optional<double> timeout_s) {
  condition_sleeper(cond, sleeping, woken, timeout_s);
}

// check_invariant: no sleeper left counted ("<Condition(<lock>, 0)>").
bool no_sleepers(const mp::Condition& cond) { return cond.repr().ends_with(", 0)>"); }

class ConditionSleepers {
 public:
  ConditionSleepers(const mp::ProcessOptions& options, mp::Condition cond, mp::Semaphore sleeping,
                    mp::Semaphore woken, int each, std::optional<double> timeout_s) {
    for (int i = 0; i < each; ++i) {
      children_.push_back(std::make_unique<mp::Process>(options, condition_sleeper_child, cond, sleeping, woken, timeout_s));
      children_.back()->start();
      threads_.emplace_back(condition_sleeper, cond, sleeping, woken, timeout_s);
    }
  }
  ~ConditionSleepers() { join(); }
  bool join() {
    bool ok = true;
    for (auto& child : children_) ok = join_within(*child, 60s) && ok;
    for (auto& thread : threads_) thread.join();
    children_.clear();
    threads_.clear();
    return ok;
  }

 private:
  std::vector<std::unique_ptr<mp::Process>> children_;
  std::vector<std::thread> threads_;
};

void notify_under_lock(mp::Condition& cond, int n) {
  std::lock_guard guard(cond);
  cond.notify(n);
}

// Waits until n sleepers are inside wait(); true when, a moment later, none has woken yet.
bool asleep(mp::Semaphore& sleeping, mp::Semaphore& woken, int n) {
  for (int i = 0; i < n; ++i) {
    if (!sleeping.acquire(true, 60s)) return false;
  }
  std::this_thread::sleep_for(50ms);
  return woken.get_value() == 0;
}

// True when n sleepers have woken and, a moment later, still no more than n.
bool woken_exactly(mp::Semaphore& woken, int n) {
  if (!eventually([&] { return woken.get_value() >= n; })) return false;
  std::this_thread::sleep_for(50ms);
  return woken.get_value() == n;
}

// test_notify: one process and one thread wait; each notify() wakes exactly one.
TEST_P(CpythonSyncTest, ConditionNotifyWakesOneProcessOrThreadAtATime) {
  mp::Condition cond;
  mp::Semaphore sleeping(0), woken(0);
  ConditionSleepers sleepers(options(), cond, sleeping, woken, 1, std::nullopt);
  ASSERT_TRUE(asleep(sleeping, woken, 2));
  notify_under_lock(cond, 1);
  EXPECT_TRUE(woken_exactly(woken, 1));
  notify_under_lock(cond, 1);
  EXPECT_TRUE(woken_exactly(woken, 2));
  EXPECT_TRUE(sleepers.join());
  EXPECT_TRUE(no_sleepers(cond)) << cond.repr();
}

// test_notify_all: waiters that timed out leave no trace; notify_all() then wakes all six others.
TEST_P(CpythonSyncTest, ConditionNotifyAllAfterWaitersTimedOut) {
  mp::Condition cond;
  mp::Semaphore sleeping(0), woken(0);
  {
    ConditionSleepers timing_out(options(), cond, sleeping, woken, 3, 0.1);
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(sleeping.acquire(true, 60s));
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(woken.acquire(true, 60s));
    EXPECT_TRUE(timing_out.join());
  }
  EXPECT_EQ(woken.get_value(), 0);
  EXPECT_TRUE(no_sleepers(cond)) << cond.repr();
  ConditionSleepers waiting(options(), cond, sleeping, woken, 3, std::nullopt);
  ASSERT_TRUE(asleep(sleeping, woken, 6));
  {
    std::lock_guard guard(cond);
    cond.notify_all();
  }
  EXPECT_TRUE(woken_exactly(woken, 6));
  EXPECT_TRUE(waiting.join());
  EXPECT_TRUE(no_sleepers(cond)) << cond.repr();
}

// test_notify_n: notify(2) wakes two, notify(4) the other four, notify(3) then nobody.
TEST_P(CpythonSyncTest, ConditionNotifyNWakesExactlyN) {
  mp::Condition cond;
  mp::Semaphore sleeping(0), woken(0);
  ConditionSleepers sleepers(options(), cond, sleeping, woken, 3, std::nullopt);
  ASSERT_TRUE(asleep(sleeping, woken, 6));
  notify_under_lock(cond, 2);
  EXPECT_TRUE(woken_exactly(woken, 2));
  notify_under_lock(cond, 4);
  EXPECT_TRUE(woken_exactly(woken, 6));
  notify_under_lock(cond, 3);
  EXPECT_TRUE(woken_exactly(woken, 6));
  EXPECT_TRUE(sleepers.join());
  EXPECT_TRUE(no_sleepers(cond)) << cond.repr();
}

// test_waitfor_timeout: wait_for(predicate, 0.1 s) in a child returns false after the timeout
// while the parent notifies changes that never satisfy it.
void wait_for_four(mp::Condition cond, mp::Value<int> state, mp::Value<int> success, mp::Semaphore started) {
  started.release();
  std::lock_guard guard(cond);
  const auto start = std::chrono::steady_clock::now();
  bool result = cond.wait_for([&] { return state.value() == 4; }, 100ms);
  if (!result && std::chrono::steady_clock::now() - start >= 99ms) success.set_value(1);
}

TEST_P(CpythonSyncTest, ConditionWaitForTimesOutInAChild) {
  mp::Condition cond;
  mp::Value<int> state(0), success(0);
  mp::Semaphore started(0);
  mp::Process p(options(), wait_for_four, cond, state, success, started);
  p.start();
  ASSERT_TRUE(started.acquire(true, 60s));
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(10ms);
    std::lock_guard guard(cond);
    state.set_value(state.value() + 1);
    cond.notify();
  }
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(success.value(), 1);
}

// test_wait_result: wait() is false on timeout and true when a child notifies.
void notify_once(mp::Condition cond) {
  std::lock_guard guard(cond);
  cond.notify();
}

TEST_P(CpythonSyncTest, ConditionWaitResultIsWhetherItWasNotified) {
  mp::Condition cond;
  std::lock_guard guard(cond);
  EXPECT_FALSE(cond.wait(0s));
  EXPECT_FALSE(cond.wait(100ms));
  mp::Process p(options(), notify_once, cond);
  p.start();
  EXPECT_TRUE(cond.wait(60s));
  EXPECT_TRUE(join_within(p, 60s));
}

// test_event: wait() returns the flag, at once when set; a child's set() wakes the parent.
void set_after_ms(mp::Event event, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  event.set();
}

TEST_P(CpythonSyncTest, EventWaitReturnsTheFlag) {
  mp::Event event;
  EXPECT_FALSE(event.is_set());
  EXPECT_FALSE(event.wait(0s));
  EXPECT_FALSE(event.wait(100ms));
  event.set();
  EXPECT_TRUE(event.is_set());
  EXPECT_TRUE(event.wait());
  EXPECT_TRUE(event.wait(100ms));
  event.clear();
  EXPECT_FALSE(event.is_set());
  mp::Process p(options({}, true), set_after_ms, event, 100);
  p.start();
  EXPECT_TRUE(event.wait(60s));
  EXPECT_TRUE(join_within(p, 60s));
}

// ---- Barrier (CPython's tests run f in N - 1 processes and the main one; N = 5) --------------

// multipass: every party passes each phase in lockstep.
bool multipass(mp::Barrier barrier, mp::RawArray<int> results, int passes) {
  bool ok = barrier.parties() == 5;
  const int m = barrier.parties();
  for (int i = 0; i < passes; ++i) {
    bump(results, 0);
    ok = ok && count(results, 1) == i * m;
    barrier.wait();
    bump(results, 1);
    ok = ok && count(results, 0) == (i + 1) * m;
    barrier.wait();
  }
  return ok && barrier.n_waiting() == 0 && !barrier.broken();
}

TEST_P(CpythonSyncTest, BarrierPassesInLockstep) {
  for (int passes : {1, 10}) {
    mp::Barrier barrier(kParties, nullptr, 30s);
    mp::RawArray<int> results(2);
    EXPECT_TRUE(run_in_bunch<multipass>(barrier, results, passes)) << passes << " passes";
  }
}

// test_abort: the party with index N/2 aborts; the others all see BrokenBarrierError.
bool abort_at_middle(mp::Barrier barrier, mp::RawArray<int> results) {
  try {
    if (barrier.wait() == 5 / 2) throw std::logic_error("abort");
    barrier.wait();
    bump(results, 0);
  } catch (const mp::BrokenBarrierError&) {
    bump(results, 1);
  } catch (const std::logic_error&) {
    barrier.abort();
  }
  return true;
}

TEST_P(CpythonSyncTest, BarrierAbortBreaksItForEveryWaiter) {
  mp::Barrier barrier(kParties, nullptr, 30s);
  mp::RawArray<int> results(2);
  EXPECT_TRUE(run_in_bunch<abort_at_middle>(barrier, results));
  EXPECT_EQ(count(results, 0), 0);
  EXPECT_EQ(count(results, 1), kParties - 1);
  EXPECT_TRUE(barrier.broken());
}

// test_reset: reset() while N - 1 wait releases them with BrokenBarrierError; the barrier then
// works again.
bool reset_at_middle(mp::Barrier barrier, mp::RawArray<int> results) {
  if (barrier.wait() == 5 / 2) {
    while (barrier.n_waiting() < 5 - 1) std::this_thread::sleep_for(1ms);
    barrier.reset();
  } else {
    try {
      barrier.wait();
      bump(results, 0);
    } catch (const mp::BrokenBarrierError&) {
      bump(results, 1);
    }
  }
  barrier.wait();
  bump(results, 2);
  return true;
}

TEST_P(CpythonSyncTest, BarrierResetFreesTheWaitersAndWorksAgain) {
  mp::Barrier barrier(kParties, nullptr, 30s);
  mp::RawArray<int> results(3);
  EXPECT_TRUE(run_in_bunch<reset_at_middle>(barrier, results));
  EXPECT_EQ(count(results, 0), 0);
  EXPECT_EQ(count(results, 1), kParties - 1);
  EXPECT_EQ(count(results, 2), kParties);
}

// test_abort_and_reset: a broken barrier reset between two passes of a second barrier works again.
bool abort_then_reset(mp::Barrier barrier, mp::Barrier barrier2, mp::RawArray<int> results) {
  try {
    if (barrier.wait() == 5 / 2) throw std::logic_error("abort");
    barrier.wait();
    bump(results, 0);
  } catch (const mp::BrokenBarrierError&) {
    bump(results, 1);
  } catch (const std::logic_error&) {
    barrier.abort();
  }
  if (barrier2.wait() == 5 / 2) barrier.reset();
  barrier2.wait();
  barrier.wait();
  bump(results, 2);
  return true;
}

TEST_P(CpythonSyncTest, BarrierBrokenThenResetWorksAgain) {
  mp::Barrier barrier(kParties, nullptr, 30s);
  mp::Barrier barrier2(kParties);
  mp::RawArray<int> results(3);
  EXPECT_TRUE(run_in_bunch<abort_then_reset>(barrier, barrier2, results));
  EXPECT_EQ(count(results, 0), 0);
  EXPECT_EQ(count(results, 1), kParties - 1);
  EXPECT_EQ(count(results, 2), kParties);
}

// test_timeout / test_default_timeout: one party is 1 s late; a 0.5 s wait (given, or the
// barrier's default) breaks the barrier for every party.
bool late_party(mp::Barrier barrier, mp::RawArray<int> results, bool default_timeout) {
  if (barrier.wait(30s) == 5 / 2) std::this_thread::sleep_for(1s);
  try {
    if (default_timeout) {
      barrier.wait();
    } else {
      barrier.wait(500ms);
    }
  } catch (const mp::BrokenBarrierError&) {
    bump(results, 0);
  }
  return true;
}

TEST_P(CpythonSyncTest, BarrierTimeoutBreaksItForEveryParty) {
  for (bool default_timeout : {false, true}) {
    mp::Barrier barrier(kParties, nullptr, default_timeout ? mp::detail::WaitTimeout(500ms) : mp::detail::WaitTimeout(30s));
    mp::RawArray<int> results(1);
    EXPECT_TRUE(run_in_bunch<late_party>(barrier, results, default_timeout));
    EXPECT_EQ(count(results, 0), kParties) << (default_timeout ? "default timeout" : "wait(0.5 s)");
  }
}

TEST(CpythonSync, BarrierOfOnePartyNeverBlocks) {
  mp::Barrier barrier(1);
  EXPECT_EQ(barrier.wait(), 0);
  EXPECT_EQ(barrier.wait(), 0);
}

// test_thousand: five processes pass a barrier 1000 times, each reporting every pass under a lock;
// the reports of pass i all come before any of pass i + 1.
void thousand_passes(mp::Barrier barrier, int passes, mp::Connection out, mp::Lock lock) {
  for (int i = 0; i < passes; ++i) {
    barrier.wait();
    std::lock_guard guard(lock);
    out.send(i);
  }
}

TEST_P(CpythonSyncTest, BarrierThousandPassesStayInStep) {
  constexpr int kPasses = 1000;
  mp::Barrier barrier(kParties, nullptr, 30s);
  mp::Lock lock;
  auto [reader, writer] = mp::Pipe(false);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int j = 0; j < kParties; ++j) {
    children.push_back(std::make_unique<mp::Process>(options(), thousand_passes, barrier, kPasses, writer, lock));
    children.back()->start();
  }
  for (int i = 0; i < kPasses; ++i) {
    for (int j = 0; j < kParties; ++j) {
      ASSERT_TRUE(reader.poll(60s));
      ASSERT_EQ(reader.recv<int>(), i);
    }
  }
  for (auto& child : children) EXPECT_TRUE(join_within(*child, 60s));
}

MP_INSTANTIATE_START_METHODS(CpythonSyncTest);

}  // namespace
