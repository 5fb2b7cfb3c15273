// Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier within one process:
// CPython's errors and messages, timeouts, threads, reprs, and the inheritance-only rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "mp/mp.hpp"
#include "sync_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_of;

TEST(SynchronizeErrors, ReleasingAnUnheldLock) {
  mp::Lock lock;
  EXPECT_EQ(error_of([&] { lock.release(); }), "ValueError: semaphore or lock released too many times");
  lock.acquire();
  lock.release();
  EXPECT_EQ(error_of([&] { lock.release(); }), "ValueError: semaphore or lock released too many times");
}

TEST(SynchronizeErrors, BoundedSemaphoreReleasedTooManyTimes) {
  mp::BoundedSemaphore semaphore(1);
  semaphore.acquire();
  semaphore.release();
  EXPECT_EQ(error_of([&] { semaphore.release(); }), "ValueError: semaphore or lock released too many times");
  mp::Semaphore unbounded(0);
  unbounded.release();
  unbounded.release();
  EXPECT_EQ(unbounded.get_value(), 2);
}

TEST(SynchronizeErrors, NegativeSemaphoreValue) {
  EXPECT_EQ(error_of([] { mp::Semaphore semaphore(-1); }), "OSError: [Errno 22] Invalid argument");
}

TEST(SynchronizeErrors, RLockReleasedByAnotherThreadOrUnheld) {
  mp::RLock lock;
  EXPECT_EQ(error_of([&] { lock.release(); }), "AssertionError: attempt to release recursive lock not owned by thread");
  lock.acquire();
  std::string from_thread;
  std::thread([&] { from_thread = error_of([&] { lock.release(); }); }).join();
  EXPECT_EQ(from_thread, "AssertionError: attempt to release recursive lock not owned by thread");
  lock.release();
}

TEST(SynchronizeErrors, ConditionWithoutTheLock) {
  mp::Condition condition;
  EXPECT_EQ(error_of([&] { condition.wait(10ms); }), "AssertionError: must acquire() condition before using wait()");
  EXPECT_EQ(error_of([&] { condition.notify(); }), "AssertionError: lock is not owned");
  EXPECT_EQ(error_of([&] { condition.notify_all(); }), "AssertionError: lock is not owned");
  mp::Condition with_lock(mp::Lock{});
  EXPECT_EQ(error_of([&] { with_lock.wait(10ms); }), "AssertionError: must acquire() condition before using wait()");
}

TEST(SynchronizeErrors, BarrierOfNoParties) {
  EXPECT_EQ(error_of([] { mp::Barrier barrier(0); }), "ValueError: parties must be >= 1");
}

TEST(SynchronizeTimeouts, AcquireOnAHeldLock) {
  mp::Lock lock;
  ASSERT_TRUE(lock.acquire());
  EXPECT_FALSE(lock.acquire(false));
  EXPECT_FALSE(lock.acquire(false, 10s));  // the timeout is ignored when not blocking
  EXPECT_FALSE(lock.acquire(true, 20ms));
  EXPECT_FALSE(lock.acquire(true, -5s));  // negative counts as zero
  EXPECT_FALSE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock_for(10ms));
  EXPECT_FALSE(lock.try_lock_until(std::chrono::steady_clock::now() + 10ms));
  lock.release();
  EXPECT_TRUE(lock.acquire(true, 0s));
  lock.release();
  std::unique_lock guard(lock);
  EXPECT_TRUE(guard.owns_lock());
}

TEST(SynchronizeTimeouts, WaitsThatExpire) {
  mp::Semaphore semaphore(0);
  EXPECT_FALSE(semaphore.acquire(true, 20ms));
  mp::Condition condition;
  std::lock_guard guard(condition);
  EXPECT_FALSE(condition.wait(20ms));
  EXPECT_FALSE(condition.wait_for([] { return false; }, 20ms));
  EXPECT_TRUE(condition.wait_for([] { return true; }, 0s));
  mp::Event event;
  EXPECT_FALSE(event.wait(20ms));
  event.set();
  EXPECT_TRUE(event.wait(0s));
  event.clear();
  EXPECT_FALSE(event.is_set());
}

TEST(SynchronizeThreads, ConditionBetweenThreadsOfOneProcess) {
  mp::Condition condition;
  int items = 0;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      std::lock_guard guard(condition);
      ++items;
      condition.notify();
    }
  });
  {
    std::lock_guard guard(condition);
    EXPECT_TRUE(condition.wait_for([&] { return items == 100; }, 60s));
  }
  producer.join();
}

TEST(SynchronizeThreads, LockAndSemaphoreExcludeThreads) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 20000;
  mp::Lock lock;
  mp::Semaphore semaphore(1);
  long under_lock = 0;
  long under_semaphore = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        {
          std::lock_guard guard(lock);
          ++under_lock;
        }
        std::lock_guard guard(semaphore);
        ++under_semaphore;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(under_lock, kThreads * kIncrements);
  EXPECT_EQ(under_semaphore, kThreads * kIncrements);
}

TEST(SynchronizeRepr, AsCPythonPrintsThem) {
  mp::Lock lock;
  EXPECT_EQ(lock.repr(), "<Lock(owner=None)>");
  lock.acquire();
  EXPECT_EQ(lock.repr(), "<Lock(owner=MainProcess)>");
  std::string from_thread;
  std::thread([&] { from_thread = lock.repr(); }).join();
  EXPECT_EQ(from_thread, "<Lock(owner=SomeOtherThread)>");
  mp::RLock rlock;
  EXPECT_EQ(rlock.repr(), "<RLock(None, 0)>");
  rlock.acquire();
  rlock.acquire();
  EXPECT_EQ(rlock.repr(), "<RLock(MainProcess, 2)>");
  std::thread([&] { from_thread = rlock.repr(); }).join();
  EXPECT_EQ(from_thread, "<RLock(SomeOtherThread, nonzero)>");
  EXPECT_EQ(mp::Semaphore(2).repr(), "<Semaphore(value=2)>");
  mp::BoundedSemaphore bounded(2);
  bounded.acquire();
  EXPECT_EQ(bounded.repr(), "<BoundedSemaphore(value=1, maxvalue=2)>");
  EXPECT_EQ(mp::Condition().repr(), "<Condition(<RLock(None, 0)>, 0)>");
  EXPECT_EQ(mp::Condition(mp::Lock{}).repr(), "<Condition(<Lock(owner=None)>, 0)>");
}

TEST(SynchronizeRepr, EventAndBarrier) {
  mp::Event event;
  EXPECT_THAT(event.repr(), testing::MatchesRegex("<Event at 0x[0-9a-f]+ unset>"));
  event.set();
  EXPECT_THAT(event.repr(), testing::MatchesRegex("<Event at 0x[0-9a-f]+ set>"));
  mp::Barrier barrier(3);
  EXPECT_THAT(barrier.repr(),
              testing::MatchesRegex("<multiprocessing\\.synchronize\\.Barrier at 0x[0-9a-f]+: waiters=0/3>"));
  barrier.abort();
  EXPECT_THAT(barrier.repr(), testing::MatchesRegex("<multiprocessing\\.synchronize\\.Barrier at 0x[0-9a-f]+: broken>"));
}

int takes_lock(mp::Lock) { return 1; }
int takes_value(mp::Value<int>) { return 1; }
int takes_nothing() { return 1; }

// Sending a lock anywhere but to a starting child fails as CPython's pickling does.
TEST(SynchronizeTravel, OnlyThroughInheritance) {
  auto message = [](const char* type) {
    return std::string("RuntimeError: ") + type + " objects should only be shared between processes through inheritance";
  };
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Lock{}); }), message("Lock"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RLock{}); }), message("RLock"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Semaphore{}); }), message("Semaphore"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::BoundedSemaphore{}); }), message("BoundedSemaphore"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Condition{}); }), message("Condition"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Event{}); }), message("Condition"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Barrier{2}); }), message("Condition"));
  auto [receiver, sender] = mp::Pipe();
  EXPECT_EQ(error_of([&] { sender.send(mp::Lock{}); }), message("Lock"));
  EXPECT_EQ(error_of([&] { sender.send(std::vector<mp::Semaphore>(1)); }), message("Semaphore"));
  EXPECT_FALSE(receiver.poll());  // nothing half-sent
  mp::Pool pool(1);
  EXPECT_EQ(error_of([&] { pool.apply(takes_lock, mp::Lock{}); }), message("Lock"));
  EXPECT_EQ(error_of([&] { pool.apply(takes_value, mp::Value<int>(0)); }), message("Synchronized"));
  EXPECT_EQ(pool.apply(takes_nothing), 1);  // the pool is still usable
}

}  // namespace
