#pragma once
// The objects behind a manager's Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event and
// Barrier proxies: Python's threading primitives, living in the server process (src/manager_sync.cpp).
//
// Each client thread of each process has its own connection, served by its own server thread, so
// "the thread holding an RLock" is the client thread that acquired it, as in CPython. Semantics and
// messages are threading's (CPython 3.11):
//   Lock.release() when unlocked: RuntimeError "release unlocked lock" (any thread may release);
//   RLock.release() by a non-owner: RuntimeError "cannot release un-acquired lock";
//   acquire(False, timeout): ValueError "can't specify a timeout for a non-blocking call" (Lock,
//   RLock), "can't specify timeout for non-blocking acquire" (Semaphore); a negative timeout other
//   than -1: ValueError "timeout value must be positive" (Lock, RLock);
//   BoundedSemaphore released above its initial value: ValueError "Semaphore released too many
//   times"; Semaphore(-1): ValueError "semaphore initial value must be >= 0";
//   Condition wait/notify without the lock: RuntimeError "cannot wait on un-acquired lock",
//   "cannot notify on un-acquired lock"; Barrier: BrokenBarrierError (empty message).
// Timeouts are seconds; nullopt is Python's None (wait forever).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "mp/detail/manager_protocol.hpp"

namespace mp::detail {

// What AcquirerProxy calls: acquire and release of any of the locks and semaphores.
class AcquirerServant : public Servant {
 public:
  virtual bool acquire(bool blocking, std::optional<double> timeout) = 0;
  virtual void release() = 0;
};

// threading.Lock.
class LockServant final : public AcquirerServant {
 public:
  bool acquire(bool blocking, std::optional<double> timeout) override;
  void release() override;

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool locked_ = false;
};

// threading.RLock's algorithm; also the lock of ConditionServant.
class RecursiveLock {
 public:
  bool acquire(bool blocking, std::optional<double> timeout);
  void release();
  bool is_owned();
  // Releases every level held by the calling thread; returns how many (Condition.wait).
  std::uint64_t release_all();
  // Acquires again with `levels` levels (after release_all).
  void acquire_levels(std::uint64_t levels);

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  std::thread::id owner_;
  std::uint64_t count_ = 0;
};

// threading.RLock.
class RLockServant final : public AcquirerServant {
 public:
  bool acquire(bool blocking, std::optional<double> timeout) override { return lock_.acquire(blocking, timeout); }
  void release() override { lock_.release(); }

 private:
  RecursiveLock lock_;
};

// threading.Semaphore, and threading.BoundedSemaphore when bounded.
class SemaphoreServant final : public AcquirerServant {
 public:
  SemaphoreServant(std::int64_t value, bool bounded);
  bool acquire(bool blocking, std::optional<double> timeout) override;
  void release() override;

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  std::int64_t value_;
  std::int64_t initial_;
  bool bounded_;
};

// threading.Condition over a new RLock.
class ConditionServant final : public AcquirerServant {
 public:
  bool acquire(bool blocking, std::optional<double> timeout) override { return lock_.acquire(blocking, timeout); }
  void release() override { lock_.release(); }
  // True when notified, false on timeout (a timeout <= 0 only looks).
  bool wait(std::optional<double> timeout);
  void notify(std::int64_t n);
  void notify_all();

 private:
  struct Waiter {
    bool notified = false;
    std::condition_variable wake;
  };
  RecursiveLock lock_;
  std::mutex waiters_mutex_;
  std::list<Waiter*> waiters_;  // in wait() order; each lives on its waiting thread's stack
};

// threading.Event.
class EventServant final : public Servant {
 public:
  bool is_set();
  void set();
  void clear();
  bool wait(std::optional<double> timeout);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool flag_ = false;
};

// threading.Barrier. The action (a free function, by code offset; 0 for none) runs in the server,
// in the thread of the last party to arrive.
class BarrierServant final : public Servant {
 public:
  BarrierServant(std::int64_t parties, std::int64_t action, std::optional<double> timeout);
  // The caller's arrival index; BrokenBarrierError when broken, reset or timed out. nullopt: the
  // barrier's default timeout.
  std::int64_t wait(std::optional<double> timeout);
  void reset();
  void abort();
  std::int64_t parties();
  std::int64_t n_waiting();
  bool broken();

 private:
  enum class State { filling, draining, resetting, broken };
  void enter(std::unique_lock<std::mutex>& lock);
  void release_parties();
  void wait_released(std::unique_lock<std::mutex>& lock, std::optional<double> timeout);
  void exit_wait();
  void break_barrier();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t parties_;
  void (*action_)() = nullptr;
  std::optional<double> timeout_;
  State state_ = State::filling;
  std::int64_t count_ = 0;
};

}  // namespace mp::detail
