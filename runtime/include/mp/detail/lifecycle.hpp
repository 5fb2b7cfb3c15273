#pragma once
// Per-process lifecycle hooks, as CPython's multiprocessing.util: finalizers run at process exit
// and after-fork callbacks. Queues register their feeder join here, which is what makes "joining
// a process before its queue is drained deadlocks" real.

#include <cstddef>
#include <cstdint>
#include <functional>

namespace mp::detail {

using FinalizerId = std::uint64_t;

// Registers fn to run once when this mp process exits normally: at the end of main (atexit), in
// mp::exit(), or when a child's target returns or throws. The exit sequence is CPython's
// util._exit_function: finalizers with priority >= 0 (highest priority first, then last
// registered first), then daemon children terminated and every child joined, then the remaining
// finalizers (priority < 0), same order. Thread-safe.
FinalizerId register_finalizer(int priority, std::function<void()> fn);

// Runs the finalizer now, at most once overall (e.g. Queue::join_thread()); no-op if it already
// ran or was cancelled.
void run_finalizer(FinalizerId id);

// Drops a finalizer without running it (e.g. Queue::cancel_join_thread()).
void cancel_finalizer(FinalizerId id);

// Registers fn to run in every child created by fork (the fork start method, and the children the
// forkserver forks) before its target runs, for the life of the process (module-level state).
// Hooks run in registration order. The child's inherited finalizers are cleared first: a forked
// child starts with none, as in CPython. Thread-safe.
void register_after_fork(std::function<void()> fn);

// An after-fork hook of one object, registered for as long as this handle lives (CPython's
// register_after_fork keeps hooks in a weak dictionary: a collected object's hook is gone). An
// object owns its handle, so its hook never runs after it is destroyed and the registry, and the
// work every fork does, stays proportional to the live objects. Movable; thread-safe.
class AfterForkHook {
 public:
  AfterForkHook() = default;
  explicit AfterForkHook(std::function<void()> fn);
  ~AfterForkHook() { reset(); }
  AfterForkHook(AfterForkHook&& other) noexcept : id_(other.id_) { other.id_ = 0; }
  AfterForkHook& operator=(AfterForkHook&& other) noexcept;
  AfterForkHook(const AfterForkHook&) = delete;
  AfterForkHook& operator=(const AfterForkHook&) = delete;

  // Unregisters the hook now (no-op when empty).
  void reset() noexcept;

 private:
  std::uint64_t id_ = 0;
};

// How many after-fork hooks and finalizers are registered in this process (for leak tests).
std::size_t after_fork_hook_count();
std::size_t finalizer_count();

}  // namespace mp::detail
