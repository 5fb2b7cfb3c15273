// Barrier: threading.Barrier's algorithm (Lib/threading.py) on a shared segment, with a futex
// condition variable (`changes`) instead of threading.Condition.
#include <climits>
#include <mutex>
#include <new>

#include "mp/synchronize.hpp"

namespace mp {
namespace {

constexpr std::int32_t kFilling = 0;
constexpr std::int32_t kDraining = 1;
constexpr std::int32_t kResetting = -1;
constexpr std::int32_t kBroken = -2;

}  // namespace

Barrier::Barrier(int parties, Action action, detail::WaitTimeout timeout)
    : action_(action), timeout_(timeout) {
  if (parties < 1) throw ValueError("parties must be >= 1");
  memory_ = detail::SharedMemory::create(sizeof(detail::BarrierState), "mp-barrier");
  state_ = new (memory_.data()) detail::BarrierState{};
  detail::SemLock::initialize(&state_->lock, detail::SemKind::lock, 1, 1);
  state_->parties = parties;
  lock_ = detail::SemLock(memory_, 0);
}

bool Barrier::wait_for_change(const detail::Deadline& deadline) {
  std::uint32_t seen = state_->changes.load(std::memory_order_relaxed);
  lock_.release();
  // notify_all() bumps `changes` under the lock, after `seen` was read: no wake-up is lost.
  auto result = detail::futex_wait(&state_->changes, seen, deadline);
  lock_.acquire();
  return result != detail::WaitResult::timed_out;
}

void Barrier::notify_all() noexcept {
  state_->changes.fetch_add(1, std::memory_order_relaxed);
  detail::futex_wake(&state_->changes, INT_MAX);
}

int Barrier::wait(detail::WaitTimeout timeout) {
  if (!timeout) timeout = timeout_;
  detail::Deadline deadline = detail::deadline_after(timeout);
  std::lock_guard guard(lock_);
  enter();  // blocks while the barrier drains or resets
  int index = state_->count;
  state_->count += 1;
  struct Leave {
    Barrier& barrier;
    ~Leave() {
      barrier.state_->count -= 1;
      barrier.exit();
    }
  } leave{*this};
  if (index + 1 == state_->parties) {
    release_all();
  } else {
    wait_released(deadline);
  }
  return index;
}

void Barrier::enter() {
  while (state_->state == kResetting || state_->state == kDraining) {
    wait_for_change(std::nullopt);
  }
  if (state_->state < 0) throw BrokenBarrierError();
}

void Barrier::release_all() {
  try {
    if (action_ != nullptr) action_();
    state_->state = kDraining;
    notify_all();
  } catch (...) {
    break_barrier();
    throw;
  }
}

void Barrier::wait_released(const detail::Deadline& deadline) {
  while (state_->state == kFilling) {
    if (detail::deadline_passed(deadline) || !wait_for_change(deadline)) {
      if (state_->state != kFilling) break;
      break_barrier();
      throw BrokenBarrierError();
    }
  }
  if (state_->state < 0) throw BrokenBarrierError();
}

void Barrier::exit() {
  if (state_->count == 0 && (state_->state == kResetting || state_->state == kDraining)) {
    state_->state = kFilling;
    notify_all();
  }
}

void Barrier::reset() {
  std::lock_guard guard(lock_);
  if (state_->count > 0) {
    if (state_->state == kFilling || state_->state == kBroken) state_->state = kResetting;
  } else {
    state_->state = kFilling;
  }
  notify_all();
}

void Barrier::abort() {
  std::lock_guard guard(lock_);
  break_barrier();
}

void Barrier::break_barrier() noexcept {
  state_->state = kBroken;
  notify_all();
}

int Barrier::n_waiting() const {
  std::lock_guard guard(const_cast<detail::SemLock&>(lock_));
  return state_->state == kFilling ? state_->count : 0;
}

bool Barrier::broken() const {
  std::lock_guard guard(const_cast<detail::SemLock&>(lock_));
  return state_->state == kBroken;
}

}  // namespace mp
