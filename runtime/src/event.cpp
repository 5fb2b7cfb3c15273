// Event: one futex word in its own shared segment.
#include <climits>
#include <new>

#include "mp/synchronize.hpp"

namespace mp {

Event::Event()
    : memory_(detail::SharedMemory::create(sizeof(detail::EventState), "mp-event")),
      state_(new (memory_.data()) detail::EventState{}) {}

bool Event::is_set() const noexcept { return state_->flag.load(std::memory_order_acquire) != 0; }

void Event::set() {
  state_->flag.store(1, std::memory_order_seq_cst);
  // wait() announces itself in `waiters` before re-checking the flag (both seq_cst): a waiter
  // that read the flag as 0 is counted here.
  if (state_->waiters.load(std::memory_order_seq_cst) != 0) {
    detail::futex_wake(&state_->flag, INT_MAX);
  }
}

void Event::clear() noexcept { state_->flag.store(0, std::memory_order_release); }

bool Event::wait(detail::WaitTimeout timeout) {
  if (is_set()) return true;
  detail::Deadline deadline = detail::deadline_after(timeout);
  state_->waiters.fetch_add(1, std::memory_order_seq_cst);
  while (state_->flag.load(std::memory_order_seq_cst) == 0) {
    if (detail::futex_wait(&state_->flag, 0, deadline) == detail::WaitResult::timed_out) break;
  }
  state_->waiters.fetch_sub(1, std::memory_order_relaxed);
  return is_set();
}

}  // namespace mp
