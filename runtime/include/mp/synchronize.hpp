#pragma once
// Synchronization primitives shared between processes, as multiprocessing.synchronize: Lock,
// RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier.
//
// Each object is a copyable handle to state in shared memory (mp/detail/shared_memory.hpp):
// copies share the state, as passing the Python object to a child does. The state lives in a
// memfd, so it is freed when the last process using it lets go; nothing is named, nothing needs
// unlinking, /dev/shm is never touched.
//
// Waiting is a futex on the shared word (cross-process, no FUTEX_PRIVATE_FLAG); the uncontended
// acquire and release are one compare-and-swap each, inline.
//
// Travel rules (CPython's): a fork child inherits the objects with its memory; a spawn or
// forkserver child receives them as Process arguments (serialized with the descriptor, see
// mp/detail/fd_transfer.hpp). Serializing one anywhere else (a pipe, a queue, a pool task)
// throws RuntimeError("Lock objects should only be shared between processes through
// inheritance"), with the type name CPython prints (Event and Barrier print "Condition", since
// CPython pickles their Condition first).
//
// Timeouts are std::chrono durations (any unit; converted to seconds as a double); nullopt waits
// forever; a negative timeout counts as zero; with block == false the timeout is ignored, as in
// CPython. Semantics CPython documents and mp keeps: a Lock may be released by any thread or
// process; a Lock held by a process that is killed stays held forever (no robust-mutex
// recovery), and so does a Condition or Barrier whose lock it held.
//
// Known divergence: CPython 3.11 refuses to send a SemLock created in a fork context to a spawn or
// forkserver child ("RuntimeError: A SemLock created in a fork context is being shared with a
// process in a spawn context. ..."); mp's objects carry no context and travel to any child.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mp/detail/function_identity.hpp"
#include "mp/detail/semlock.hpp"
#include "mp/errors.hpp"

namespace mp {

// SEM_VALUE_MAX, the largest value of a Semaphore.
inline constexpr std::uint32_t kSemValueMax = INT_MAX;

// multiprocessing.Lock: a non-recursive lock (a semaphore with maximum 1) that any thread or
// process may release.
class Lock : public detail::SemLock {
 public:
  Lock();
  // Adopts a state created elsewhere (e.g. the lock of a Value, in the Value's segment).
  explicit Lock(detail::SemLock core) noexcept : SemLock(std::move(core)) {}

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("Lock");
    save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    load_handle(archive);
  }
};

// multiprocessing.RLock: a recursive lock; only the thread holding it may release it.
class RLock : public detail::SemLock {
 public:
  RLock();
  explicit RLock(detail::SemLock core) noexcept : SemLock(std::move(core)) {}

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("RLock");
    save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    load_handle(archive);
  }
};

// multiprocessing.Semaphore: a counter; release() may raise it without bound (up to
// kSemValueMax). A negative initial value throws OSError("[Errno 22] Invalid argument"), as
// CPython's sem_open does.
class Semaphore : public detail::SemLock {
 public:
  explicit Semaphore(int value = 1);
  int get_value() const noexcept { return static_cast<int>(value()); }
  // "<Semaphore(value=2)>", "<BoundedSemaphore(value=2, maxvalue=2)>".
  std::string repr() const { return SemLock::repr(type_name_); }

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning(type_name_);
    save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    load_handle(archive);
  }

 protected:
  Semaphore(int value, int maxvalue, std::string_view type_name);

 private:
  std::string_view type_name_ = "Semaphore";
};

// multiprocessing.BoundedSemaphore: a Semaphore whose release() above the initial value throws
// ValueError("semaphore or lock released too many times").
class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(int value = 1);
};

// multiprocessing.Condition, with CPython's algorithm (three semaphores): notify(n) wakes at most
// n waiters and returns once they have woken. The lock is a new RLock unless one is given.
// wait/notify without holding the lock throw AssertionError with CPython's messages.
class Condition {
 public:
  Condition();
  explicit Condition(Lock lock);
  explicit Condition(RLock lock);

  bool acquire(bool block = true, detail::WaitTimeout timeout = std::nullopt) {
    return lock_.acquire(block, timeout);
  }
  void release() { lock_.release(); }
  void lock() { lock_.lock(); }
  void unlock() { lock_.unlock(); }
  bool try_lock() { return lock_.try_lock(); }

  // Releases the lock (every recursion level), waits for a notify or the timeout, re-acquires.
  // True when notified, false on timeout.
  bool wait(detail::WaitTimeout timeout = std::nullopt);
  // Waits until predicate() is true or the timeout expires; returns the last predicate() value.
  template <class Predicate>
  bool wait_for(Predicate predicate, detail::WaitTimeout timeout = std::nullopt);
  // Wakes up to n waiters and waits until they have woken.
  void notify(int n = 1);
  void notify_all() { notify(INT_MAX); }
  // "<Condition(<RLock(None, 0)>, 0)>": the lock's repr and the number of sleepers.
  std::string repr() const;

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("Condition");
    lock_.save_handle(archive);
    sleeping_.save_handle(archive);
    woken_.save_handle(archive);
    wait_semaphore_.save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    lock_.load_handle(archive);
    sleeping_.load_handle(archive);
    woken_.load_handle(archive);
    wait_semaphore_.load_handle(archive);
  }

 private:
  explicit Condition(detail::SemLock lock);

  detail::SemLock lock_;
  detail::SemLock sleeping_;
  detail::SemLock woken_;
  detail::SemLock wait_semaphore_;
};

template <class Predicate>
bool Condition::wait_for(Predicate predicate, detail::WaitTimeout timeout) {
  bool result = predicate();
  if (result) return result;
  detail::Deadline deadline = detail::deadline_after(timeout);
  while (!result) {
    detail::WaitTimeout remaining;
    if (deadline) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      double seconds = static_cast<double>(deadline->tv_sec - now.tv_sec) +
                       static_cast<double>(deadline->tv_nsec - now.tv_nsec) * 1e-9;
      if (seconds <= 0) break;
      remaining = std::chrono::duration<double>(seconds);
    }
    wait(remaining);
    result = predicate();
  }
  return result;
}


// multiprocessing.Event: a flag that wait() blocks on until set.
class Event {
 public:
  Event();

  bool is_set() const noexcept;
  void set();
  void clear() noexcept;
  // Blocks until the flag is set or the timeout expires; returns the flag.
  bool wait(detail::WaitTimeout timeout = std::nullopt);
  // "<Event at 0x... set>" / "<Event at 0x... unset>".
  std::string repr() const;

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("Condition");  // CPython pickles the Event's Condition first
    archive(memory_);
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(memory_);
    state_ = memory_.at<detail::EventState>();
  }

 private:
  detail::SharedMemory memory_;
  detail::EventState* state_ = nullptr;
};

// multiprocessing.Barrier (threading.Barrier's algorithm on shared state): wait() blocks until
// `parties` callers are waiting, then releases them all and returns each its arrival index
// (0 .. parties-1). The last to arrive runs `action` first (if any; if it throws, the barrier
// breaks and the exception propagates). A wait that times out breaks the barrier; waiting on a
// broken barrier, or being released by abort() or reset(), throws BrokenBarrierError.
// `action` is a free function (or captureless lambda): it travels to spawn/forkserver children
// by identity.
class Barrier {
 public:
  using Action = void (*)();

  explicit Barrier(int parties, Action action = nullptr,
                   detail::WaitTimeout timeout = std::nullopt);
  // An empty handle, only to load a Barrier into (a Process argument in a spawn child).
  Barrier() = default;

  // timeout: this call's; nullopt uses the barrier's default timeout.
  int wait(detail::WaitTimeout timeout = std::nullopt);
  // Returns the barrier to the empty state; current waiters get BrokenBarrierError.
  void reset();
  // Puts the barrier into the broken state; current and future waiters get BrokenBarrierError.
  void abort();

  int parties() const noexcept { return state_->parties; }
  // Callers currently blocked in wait() (0 while draining or broken).
  int n_waiting() const;
  bool broken() const;
  // "<multiprocessing.synchronize.Barrier at 0x...: waiters=1/3>", or "...: broken>".
  std::string repr() const;

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("Condition");  // CPython pickles the Barrier's Condition
    std::int64_t action = action_ ? detail::code_offset(reinterpret_cast<const void*>(action_)) : 0;
    bool has_timeout = timeout_.has_value();
    double timeout_s = has_timeout ? timeout_->count() : 0.0;
    archive(memory_, action, has_timeout, timeout_s);
  }
  template <class Archive>
  void load(Archive& archive) {
    std::int64_t action = 0;
    bool has_timeout = false;
    double timeout_s = 0;
    archive(memory_, action, has_timeout, timeout_s);
    state_ = memory_.at<detail::BarrierState>();
    lock_ = detail::SemLock(memory_, 0);
    action_ = action ? reinterpret_cast<Action>(const_cast<void*>(detail::code_address(action)))
                     : nullptr;
    timeout_.reset();
    if (has_timeout) timeout_ = std::chrono::duration<double>(timeout_s);
  }

 private:
  // Condition-variable steps on state_->changes; the caller holds lock_.
  bool wait_for_change(const detail::Deadline& deadline);
  void notify_all() noexcept;
  void enter();
  void release_all();
  void wait_released(const detail::Deadline& deadline);
  void exit();
  void break_barrier() noexcept;

  detail::SharedMemory memory_;
  detail::BarrierState* state_ = nullptr;
  detail::SemLock lock_;
  Action action_ = nullptr;
  detail::WaitTimeout timeout_;
};

}  // namespace mp
