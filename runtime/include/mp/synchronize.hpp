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
#include "mp/detail/futex.hpp"
#include "mp/detail/shared_memory.hpp"
#include "mp/errors.hpp"

namespace mp {

namespace detail {

// A timeout in seconds; nullopt means wait forever.
using WaitTimeout = std::optional<std::chrono::duration<double>>;

enum class SemKind : std::uint32_t { semaphore = 0, lock = 1, rlock = 2 };

// The shared state of one semaphore, lock or recursive lock (24 bytes, in shared memory). `value`
// is the futex word. `owner` (a kernel thread id) and `depth` are kept for Lock and RLock only.
struct SemaphoreState {
  std::atomic<std::uint32_t> value;
  std::atomic<std::uint32_t> waiters;
  std::atomic<pid_t> owner;
  std::atomic<std::uint32_t> depth;
  std::uint32_t maxvalue;
  SemKind kind;
};

// CPython's _multiprocessing.SemLock: the common core of Lock, RLock, Semaphore and
// BoundedSemaphore (and the internal semaphores of Condition). A handle: copies share the state.
class SemLock {
 public:
  // An empty handle; any operation on it is undefined.
  SemLock() = default;
  // A handle to the state at `offset` of `memory`, initialized by initialize().
  SemLock(SharedMemory memory, std::size_t offset) noexcept;
  // Writes a fresh state (the memory is zero-filled by the kernel or unused).
  static void initialize(SemaphoreState* state, SemKind kind, std::uint32_t value,
                         std::uint32_t maxvalue) noexcept;

  // Takes one unit; false when block is false and none is free, or the timeout expired. An RLock
  // already held by the calling thread only counts one more level.
  bool acquire(bool block = true, WaitTimeout timeout = std::nullopt) {
    if (kind_ == SemKind::rlock && state_->owner.load(std::memory_order_relaxed) == current_tid()) {
      state_->depth.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    std::uint32_t value = state_->value.load(std::memory_order_relaxed);
    if (value > 0 && state_->value.compare_exchange_strong(value, value - 1,
                                                           std::memory_order_acquire,
                                                           std::memory_order_relaxed)) {
      if (kind_ != SemKind::semaphore) record_owner();
      return true;
    }
    return acquire_contended(block, timeout);
  }

  // Gives one unit back. ValueError("semaphore or lock released too many times") when a Lock is
  // not held or a bounded semaphore is at its maximum; AssertionError("attempt to release
  // recursive lock not owned by thread") when an RLock is not held by the calling thread.
  void release() {
    if (kind_ == SemKind::rlock) {
      if (!release_recursion_level()) return;
    } else if (kind_ == SemKind::lock) {
      state_->owner.store(0, std::memory_order_relaxed);
    }
    std::uint32_t value = state_->value.load(std::memory_order_relaxed);
    do {
      if (value >= state_->maxvalue) throw_released_too_many_times();
    } while (!state_->value.compare_exchange_weak(value, value + 1, std::memory_order_seq_cst,
                                                  std::memory_order_relaxed));
    if (state_->waiters.load(std::memory_order_seq_cst) != 0) futex_wake(&state_->value, 1);
  }

  // Lockable and TimedLockable, for std::lock_guard, std::unique_lock, std::scoped_lock.
  void lock() { acquire(); }
  void unlock() { release(); }
  bool try_lock() { return acquire(false); }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) {
    return acquire(true, std::chrono::duration<double>(timeout));
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    return acquire(true, std::chrono::duration<double>(deadline - Clock::now()));
  }

  // CPython's SemLock._is_mine(): held by the calling thread (Lock and RLock).
  bool is_mine() const noexcept;
  // CPython's SemLock._count(): the recursion level held by the calling thread (1 for a Lock held
  // by it, 0 when not held by it).
  std::uint32_t count() const noexcept;
  // The current value (free units).
  std::uint32_t value() const noexcept { return state_->value.load(std::memory_order_relaxed); }
  std::uint32_t maxvalue() const noexcept { return state_->maxvalue; }
  SemKind kind() const noexcept { return kind_; }
  // CPython's repr of the Lock, RLock, Semaphore or BoundedSemaphore this is the core of:
  // "<Lock(owner=None)>", "<RLock(MainProcess, 2)>", "<BoundedSemaphore(value=1, maxvalue=2)>".
  // The owner is the current process's name when held by the calling thread (plus "|<tid>" off
  // the main thread: C++ threads have no names), SomeOtherThread or SomeOtherProcess otherwise.
  std::string repr(std::string_view semaphore_class = "Semaphore") const;

  const SharedMemory& memory() const noexcept { return memory_; }
  std::size_t offset() const noexcept;

  // Serialization of the handle itself; the public type calls assert_spawning first.
  template <class Archive>
  void save_handle(Archive& archive) const {
    archive(memory_, static_cast<std::uint64_t>(offset()));
  }
  template <class Archive>
  void load_handle(Archive& archive) {
    SharedMemory memory;
    std::uint64_t offset = 0;
    archive(memory, offset);
    *this = SemLock(std::move(memory), static_cast<std::size_t>(offset));
  }

 private:
  void record_owner() noexcept {
    state_->owner.store(current_tid(), std::memory_order_relaxed);
    state_->depth.store(1, std::memory_order_relaxed);
  }
  bool acquire_contended(bool block, const WaitTimeout& timeout);
  // RLock: drops one level; true when the lock itself must now be released.
  bool release_recursion_level();
  [[noreturn]] static void throw_released_too_many_times();

  SharedMemory memory_;
  SemaphoreState* state_ = nullptr;
  SemKind kind_ = SemKind::semaphore;
};

// A new shared segment holding one initialized SemaphoreState at offset 0.
SemLock make_semlock(SemKind kind, std::uint32_t value, std::uint32_t maxvalue,
                     std::string_view name);

}  // namespace detail

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

namespace detail {

// Shared state of an Event: `flag` is the futex word.
struct EventState {
  std::atomic<std::uint32_t> flag;
  std::atomic<std::uint32_t> waiters;
};

// Shared state of a Barrier: threading.Barrier's fields, guarded by `lock`; `changes` is the
// futex word its notify_all bumps.
struct BarrierState {
  SemaphoreState lock;
  std::atomic<std::uint32_t> changes;
  std::int32_t state;  // 0 filling, 1 draining, -1 resetting, -2 broken
  std::int32_t count;  // processes/threads inside wait()
  std::int32_t parties;
};

}  // namespace detail

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
