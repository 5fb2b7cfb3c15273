// Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier: shared by processes under
// every start method, with CPython's errors. Racy properties run many iterations and check
// invariants; every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "mp/mp.hpp"
#include "sync_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_of;
using mp_test::eventually;
using mp_test::join_bounded;
using mp_test::start_child;

constexpr int kChildren = 4;
constexpr int kIncrements = 500;

// Unsynchronized read-modify-write of a shared counter: correct only under mutual exclusion.
void increment_under(mp::Lock lock, mp::RawValue<long> counter) {
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard guard(lock);
    long seen = counter.value();
    if (i % 7 == 0) std::this_thread::yield();  // widen the race window
    counter.set_value(seen + 1);
  }
}

void increment_under_rlock(mp::RLock lock, mp::RawValue<long> counter) {
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard outer(lock);
    std::lock_guard inner(lock);  // recursion
    long seen = counter.value();
    if (i % 7 == 0) std::this_thread::yield();
    counter.set_value(seen + 1);
  }
}

void release_lock(mp::Lock lock) { lock.release(); }

// Takes the lock, says so, and waits to be killed.
void hold_lock_forever(mp::Lock lock, mp::Event held) {
  lock.acquire();
  held.set();
  for (;;) pause();
}

void release_foreign_rlock(mp::RLock lock, mp::RawValue<int> outcome) {
  std::string message = error_of([&] { lock.release(); });
  outcome.set_value(message == "AssertionError: attempt to release recursive lock not owned by thread" ? 1 : 2);
}

void over_release(mp::BoundedSemaphore semaphore, mp::RawValue<int> outcome) {
  std::string message = error_of([&] { semaphore.release(); });
  outcome.set_value(message == "ValueError: semaphore or lock released too many times" ? 1 : 2);
}

// Tracks how many holders are inside the semaphore at once.
void enter_semaphore(mp::Semaphore semaphore, mp::RawArray<int> inside_and_peak) {
  auto inside = std::atomic_ref<int>(inside_and_peak[0]);
  auto peak = std::atomic_ref<int>(inside_and_peak[1]);
  for (int i = 0; i < 200; ++i) {
    std::lock_guard guard(semaphore);
    int now = inside.fetch_add(1) + 1;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::yield();
    inside.fetch_sub(1);
  }
}

// Waits for `ready` under the condition, then records what it saw.
void wait_for_flag(mp::Condition condition, mp::RawArray<int> flag_and_seen) {
  std::lock_guard guard(condition);
  bool ok = condition.wait_for([&] { return flag_and_seen[0] != 0; }, 60s);
  flag_and_seen[1] = ok ? 1 : 2;
}

// Counts itself ready (under the lock), waits once, counts itself woken.
void wait_once(mp::Condition condition, mp::RawArray<int> ready_and_woken) {
  std::lock_guard guard(condition);
  std::atomic_ref<int>(ready_and_woken[0]).fetch_add(1);
  condition.wait(60s);
  std::atomic_ref<int>(ready_and_woken[1]).fetch_add(1);
}

// Holds the RLock twice while waiting; after waking, exactly two levels are held again.
void wait_holding_twice(mp::Condition condition, mp::RLock lock, mp::RawArray<int> state) {
  lock.acquire();
  lock.acquire();
  std::atomic_ref<int>(state[0]).store(1);
  bool notified = condition.wait(60s);
  lock.release();
  lock.release();
  std::string third = error_of([&] { lock.release(); });
  state[1] = notified && third == "AssertionError: attempt to release recursive lock not owned by thread" ? 1 : 2;
}

void set_event(mp::Event event) { event.set(); }

void wait_event(mp::Event event, mp::RawValue<int> outcome) {
  outcome.set_value(event.wait(60s) ? 1 : 2);
}

bool g_action_ran = false;  // per process: set by barrier_action where it runs
void barrier_action() { g_action_ran = true; }

void wait_barrier(mp::Barrier barrier, mp::RawArray<int> indices_and_actions) {
  int index = barrier.wait(60s);
  std::atomic_ref<int>(indices_and_actions[index]).fetch_add(1);
  if (g_action_ran) std::atomic_ref<int>(indices_and_actions[3]).fetch_add(1);
}

void wait_broken_barrier(mp::Barrier barrier, mp::RawValue<int> outcome) {
  std::string message = error_of([&] { barrier.wait(60s); });
  outcome.set_value(message == "BrokenBarrierError" ? 1 : 2);
}

constexpr int kRounds = 2000;

// The other side of a ping-pong: a lost wake-up leaves one side asleep forever (the parent's
// bounded acquire then fails and the child is killed).
void pong_semaphores(mp::Semaphore ping, mp::Semaphore pong) {
  for (int i = 0; i < kRounds; ++i) {
    if (!ping.acquire(true, 60s)) throw mp::TimeoutError("ping lost");
    pong.release();
  }
}

void pong_locks(mp::Lock ping, mp::Lock pong) {
  for (int i = 0; i < kRounds; ++i) {
    if (!ping.acquire(true, 60s)) throw mp::TimeoutError("ping lost");
    pong.release();
  }
}

// Alternates turns through a Condition-protected shared turn counter.
void take_odd_turns(mp::Condition condition, mp::RawValue<int> turn) {
  for (int i = 0; i < kRounds; ++i) {
    std::lock_guard guard(condition);
    if (!condition.wait_for([&] { return turn.value() % 2 == 1; }, 60s)) throw mp::TimeoutError("turn lost");
    turn.set_value(turn.value() + 1);
    condition.notify();
  }
}

void release_slowly(mp::Semaphore semaphore, int count) {
  for (int i = 0; i < count; ++i) {
    if (i % 3 == 0) std::this_thread::yield();
    semaphore.release();
  }
}

void count_own_segments(mp::Condition condition, mp::RawArray<int> census) {
  (void)condition;
  auto counted = mp_test::count_segments();
  census[0] = counted.descriptors;
  census[1] = counted.mappings;
}

class SynchronizeTest : public testing::TestWithParam<std::string> {};

TEST_P(SynchronizeTest, LockExcludesAcrossProcesses) {
  mp::Lock lock;
  mp::RawValue<long> counter(0);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), increment_under, lock, counter));
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(counter.value(), kChildren * kIncrements);
}

TEST_P(SynchronizeTest, RLockExcludesAcrossProcessesAndRecurses) {
  mp::RLock lock;
  mp::RawValue<long> counter(0);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), increment_under_rlock, lock, counter));
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(counter.value(), kChildren * kIncrements);
}

TEST_P(SynchronizeTest, LockMayBeReleasedByAnotherProcess) {
  mp::Lock lock;
  ASSERT_TRUE(lock.acquire());
  auto child = start_child(GetParam(), release_lock, lock);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_TRUE(lock.acquire(false));
}

// CPython documents it (Programming guidelines: "Avoid terminating processes"): a lock held by a
// terminated process stays held; mp does not recover it either.
TEST_P(SynchronizeTest, LockHeldByKilledProcessStaysHeld) {
  mp::Lock lock;
  mp::Event held;
  auto child = start_child(GetParam(), hold_lock_forever, lock, held);
  ASSERT_TRUE(held.wait(60s));
  child->kill();
  EXPECT_EQ(join_bounded(*child), -9);
  EXPECT_FALSE(lock.acquire(false));
  EXPECT_FALSE(lock.acquire(true, 100ms));
  EXPECT_EQ(lock.repr(), "<Lock(owner=SomeOtherProcess)>");
}

TEST_P(SynchronizeTest, RLockReleasedByAnotherProcessIsAnAssertionError) {
  mp::RLock lock;
  mp::RawValue<int> outcome(0);
  lock.acquire();
  auto child = start_child(GetParam(), release_foreign_rlock, lock, outcome);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(outcome.value(), 1);
  lock.release();
}

TEST_P(SynchronizeTest, BoundedSemaphoreOverReleasedInAChild) {
  mp::BoundedSemaphore semaphore(2);
  mp::RawValue<int> outcome(0);
  auto child = start_child(GetParam(), over_release, semaphore, outcome);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(outcome.value(), 1);
  EXPECT_EQ(semaphore.get_value(), 2);
}

TEST_P(SynchronizeTest, SemaphoreBoundsHoldersAcrossProcesses) {
  mp::Semaphore semaphore(2);
  mp::RawArray<int> inside_and_peak(2);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), enter_semaphore, semaphore, inside_and_peak));
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(inside_and_peak[0], 0);
  EXPECT_GE(inside_and_peak[1], 1);
  EXPECT_LE(inside_and_peak[1], 2);
  EXPECT_EQ(semaphore.get_value(), 2);
}

TEST_P(SynchronizeTest, ConditionWaitForSeesTheNotifiedChange) {
  mp::Condition condition;
  mp::RawArray<int> flag_and_seen(2);
  auto child = start_child(GetParam(), wait_for_flag, condition, flag_and_seen);
  {
    std::lock_guard guard(condition);
    flag_and_seen[0] = 1;
    condition.notify_all();
  }
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(flag_and_seen[1], 1);
}

// notify(1) wakes exactly one of three sleepers (CPython's notify returns once it has woken);
// notify_all() the rest.
TEST_P(SynchronizeTest, ConditionNotifyWakesAtMostN) {
  mp::Condition condition(mp::Lock{});
  mp::RawArray<int> ready_and_woken(2);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < 3; ++i) children.push_back(start_child(GetParam(), wait_once, condition, ready_and_woken));
  // A child counts itself ready under the lock and releases it only inside wait().
  ASSERT_TRUE(eventually([&] {
    std::lock_guard guard(condition);
    return std::atomic_ref<int>(ready_and_woken[0]).load() == 3;
  }));
  {
    std::lock_guard guard(condition);
    condition.notify(1);
  }
  ASSERT_TRUE(eventually([&] { return std::atomic_ref<int>(ready_and_woken[1]).load() >= 1; }));
  std::this_thread::sleep_for(50ms);  // room for a wrongly woken second sleeper to show up
  EXPECT_EQ(std::atomic_ref<int>(ready_and_woken[1]).load(), 1);
  {
    std::lock_guard guard(condition);
    condition.notify_all();
  }
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(ready_and_woken[1], 3);
}

TEST_P(SynchronizeTest, ConditionWaitReleasesEveryRecursionLevel) {
  mp::RLock lock;
  mp::Condition condition(lock);
  mp::RawArray<int> state(2);
  auto child = start_child(GetParam(), wait_holding_twice, condition, lock, state);
  ASSERT_TRUE(eventually([&] { return std::atomic_ref<int>(state[0]).load() == 1; }));
  // Taking the lock proves the waiter released both levels.
  ASSERT_TRUE(eventually([&] { return lock.acquire(true, 100ms); }));
  condition.notify();
  lock.release();
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(state[1], 1);
}

TEST_P(SynchronizeTest, EventSetInAChildWakesTheParent) {
  mp::Event event;
  auto child = start_child(GetParam(), set_event, event);
  EXPECT_TRUE(event.wait(60s));
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_TRUE(event.is_set());
}

TEST_P(SynchronizeTest, EventSetInTheParentWakesAChild) {
  mp::Event event;
  mp::RawValue<int> outcome(0);
  auto child = start_child(GetParam(), wait_event, event, outcome);
  event.set();
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(outcome.value(), 1);
}

TEST_P(SynchronizeTest, BarrierReleasesAllPartiesWithDistinctIndexesAndOneAction) {
  for (int round = 0; round < 3; ++round) {
    mp::Barrier barrier(3, barrier_action);
    mp::RawArray<int> indices_and_actions(4);
    g_action_ran = false;  // before the fork children copy it
    auto first = start_child(GetParam(), wait_barrier, barrier, indices_and_actions);
    auto second = start_child(GetParam(), wait_barrier, barrier, indices_and_actions);
    wait_barrier(barrier, indices_and_actions);
    EXPECT_EQ(join_bounded(*first), 0);
    EXPECT_EQ(join_bounded(*second), 0);
    EXPECT_EQ(indices_and_actions.to_vector(), (std::vector<int>{1, 1, 1, 1}));
    EXPECT_EQ(barrier.n_waiting(), 0);
    EXPECT_FALSE(barrier.broken());
  }
}

TEST_P(SynchronizeTest, BarrierAbortReleasesAWaitingChild) {
  mp::Barrier barrier(2);
  mp::RawValue<int> outcome(0);
  auto child = start_child(GetParam(), wait_broken_barrier, barrier, outcome);
  ASSERT_TRUE(eventually([&] { return barrier.n_waiting() == 1; }));
  barrier.abort();
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(outcome.value(), 1);
  EXPECT_TRUE(barrier.broken());
}

TEST_P(SynchronizeTest, BarrierBrokenByATimeoutStaysBrokenUntilReset) {
  mp::Barrier barrier(2, nullptr, 50ms);
  EXPECT_EQ(error_of([&] { barrier.wait(); }), "BrokenBarrierError");
  EXPECT_TRUE(barrier.broken());
  mp::RawValue<int> outcome(0);
  auto child = start_child(GetParam(), wait_broken_barrier, barrier, outcome);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(outcome.value(), 1);
  barrier.reset();
  EXPECT_FALSE(barrier.broken());
  EXPECT_EQ(barrier.parties(), 2);
}

TEST_P(SynchronizeTest, NoSegmentOutlivesItsUsers) {
  auto before = mp_test::count_segments();
  {
    mp::Lock lock;
    mp::RawValue<long> counter(0);
    mp::Condition condition;
    mp::Event event;
    auto child = start_child(GetParam(), increment_under, lock, counter);
    auto killed = start_child(GetParam(), hold_lock_forever, mp::Lock{}, event);
    ASSERT_TRUE(event.wait(60s));
    killed->kill();
    EXPECT_EQ(join_bounded(*killed), -9);
    EXPECT_EQ(join_bounded(*child), 0);
    EXPECT_NE(mp_test::count_segments(), before);
  }
  EXPECT_EQ(mp_test::count_segments(), before);
}

TEST_P(SynchronizeTest, SemaphorePingPongLosesNoWakeUp) {
  mp::Semaphore ping(0);
  mp::Semaphore pong(0);
  auto child = start_child(GetParam(), pong_semaphores, ping, pong);
  int completed = 0;
  for (; completed < kRounds; ++completed) {
    ping.release();
    if (!pong.acquire(true, 60s)) break;
  }
  EXPECT_EQ(completed, kRounds);
  EXPECT_EQ(join_bounded(*child), 0);
}

TEST_P(SynchronizeTest, LockPingPongLosesNoWakeUp) {
  mp::Lock ping;
  mp::Lock pong;
  ping.acquire();
  pong.acquire();
  auto child = start_child(GetParam(), pong_locks, ping, pong);
  int completed = 0;
  for (; completed < kRounds; ++completed) {
    ping.release();
    if (!pong.acquire(true, 60s)) break;
  }
  EXPECT_EQ(completed, kRounds);
  EXPECT_EQ(join_bounded(*child), 0);
}

TEST_P(SynchronizeTest, ConditionTurnTakingLosesNoNotify) {
  mp::Condition condition;
  mp::RawValue<int> turn(0);
  auto child = start_child(GetParam(), take_odd_turns, condition, turn);
  int completed = 0;
  for (; completed < kRounds; ++completed) {
    std::lock_guard guard(condition);
    if (!condition.wait_for([&] { return turn.value() % 2 == 0; }, 60s)) break;
    turn.set_value(turn.value() + 1);
    condition.notify();
  }
  EXPECT_EQ(completed, kRounds);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(turn.value(), 2 * kRounds);
}

// Waits that time out while releases arrive must neither lose nor invent units.
TEST_P(SynchronizeTest, TimedOutAcquiresRacingReleasesKeepTheCount) {
  constexpr int kReleases = 3000;
  mp::Semaphore semaphore(0);
  auto child = start_child(GetParam(), release_slowly, semaphore, kReleases);
  int acquired = 0;
  int timeouts = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (acquired < kReleases && std::chrono::steady_clock::now() < deadline) {
    if (semaphore.acquire(true, std::chrono::microseconds(acquired % 50))) {
      ++acquired;
    } else {
      ++timeouts;
    }
  }
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(acquired, kReleases);
  EXPECT_EQ(semaphore.get_value(), 0);
  RecordProperty("timeouts", timeouts);
}

// A spawn or forkserver child maps each segment once, however many handles point into it (a
// Condition is four semaphores in one segment).
TEST_P(SynchronizeTest, ChildMapsEachSegmentOnce) {
  if (GetParam() == "fork") GTEST_SKIP() << "a fork child inherits every segment of its parent";
  mp::Condition condition;
  mp::RawArray<int> census(2);
  auto child = start_child(GetParam(), count_own_segments, condition, census);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(census[0], 2);  // the condition's segment and the census's
  EXPECT_EQ(census[1], 2);
}

INSTANTIATE_TEST_SUITE_P(StartMethods, SynchronizeTest, testing::ValuesIn(mp_test::kStartMethods),
                         mp_test::StartMethodName());

}  // namespace
