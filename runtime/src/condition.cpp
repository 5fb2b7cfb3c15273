// Condition: CPython's multiprocessing.synchronize.Condition algorithm on four SemLocks (the lock
// and three counting semaphores), all in one shared segment unless the lock is given.

#include "mp/synchronize.hpp"

namespace mp {
namespace {

using detail::SemaphoreState;
using detail::SemKind;
using detail::SemLock;

// Segment layout: [0] the default RLock, [1] sleeping count, [2] woken count, [3] wait semaphore.
constexpr std::size_t kSlot = sizeof(SemaphoreState);

detail::SharedMemory make_condition_memory() {
  auto memory = detail::SharedMemory::create(4 * kSlot, "mp-condition");
  SemLock::initialize(memory.at<SemaphoreState>(0), SemKind::rlock, 1, 1);
  for (std::size_t slot = 1; slot < 4; ++slot) {
    SemLock::initialize(memory.at<SemaphoreState>(slot * kSlot), SemKind::semaphore, 0,
                        kSemValueMax);
  }
  return memory;
}

// Re-acquires `count` levels of the lock on scope exit (also when the wait throws).
struct Reacquire {
  SemLock& lock;
  std::uint32_t count;
  ~Reacquire() {
    for (std::uint32_t i = 0; i < count; ++i) lock.acquire();
  }
};

}  // namespace

Condition::Condition() {
  detail::SharedMemory memory = make_condition_memory();
  lock_ = SemLock(memory, 0);
  sleeping_ = SemLock(memory, kSlot);
  woken_ = SemLock(memory, 2 * kSlot);
  wait_semaphore_ = SemLock(memory, 3 * kSlot);
}

Condition::Condition(SemLock lock) : Condition() { lock_ = std::move(lock); }
Condition::Condition(Lock lock) : Condition(static_cast<SemLock>(std::move(lock))) {}
Condition::Condition(RLock lock) : Condition(static_cast<SemLock>(std::move(lock))) {}

bool Condition::wait(detail::WaitTimeout timeout) {
  if (!lock_.is_mine()) throw AssertionError("must acquire() condition before using wait()");
  sleeping_.release();  // this thread is going to sleep
  std::uint32_t count = lock_.count();
  for (std::uint32_t i = 0; i < count; ++i) lock_.release();
  Reacquire reacquire{lock_, count};
  struct MarkWoken {
    SemLock& woken;
    ~MarkWoken() { woken.release(); }
  } mark_woken{woken_};
  return wait_semaphore_.acquire(true, timeout);
}

void Condition::notify(int n) {
  if (!lock_.is_mine()) throw AssertionError("lock is not owned");
  if (wait_semaphore_.acquire(false)) {
    throw AssertionError("notify: Should not have been able to acquire _wait_semaphore");
  }
  // Account for waiters that timed out since the last notify: subtract woken from sleeping.
  while (woken_.acquire(false)) {
    if (!sleeping_.acquire(false)) {
      throw AssertionError("notify: Bug in sleeping_count.acquire- res should not be False");
    }
  }
  int sleepers = 0;
  while (sleepers < n && sleeping_.acquire(false)) {
    wait_semaphore_.release();  // wake one sleeper
    ++sleepers;
  }
  if (sleepers > 0) {
    for (int i = 0; i < sleepers; ++i) woken_.acquire();  // wait for each to wake
    // Re-zero the wait semaphore in case some waiters timed out just now.
    while (wait_semaphore_.acquire(false)) {
    }
  }
}

}  // namespace mp
