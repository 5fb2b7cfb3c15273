#pragma once
// Internals of the synchronization primitives (synchronize.hpp): the state each keeps in shared
// memory, and SemLock, the core of Lock, RLock, Semaphore and BoundedSemaphore (src/semlock.cpp).

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mp/detail/futex.hpp"
#include "mp/detail/shared_memory.hpp"
#include "mp/errors.hpp"

namespace mp::detail {

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

}  // namespace mp::detail
