// Lock, RLock, Semaphore, BoundedSemaphore: the contended paths of detail::SemLock.
#include <cerrno>
#include <new>

#include "mp/detail/os_error.hpp"

#include "mp/synchronize.hpp"

namespace mp {
namespace detail {

static_assert(sizeof(SemaphoreState) == 24);
static_assert(std::atomic<pid_t>::is_always_lock_free);

SemLock::SemLock(SharedMemory memory, std::size_t offset) noexcept
    : memory_(std::move(memory)),
      state_(memory_.at<SemaphoreState>(offset)),
      kind_(state_->kind) {}

void SemLock::initialize(SemaphoreState* state, SemKind kind, std::uint32_t value,
                         std::uint32_t maxvalue) noexcept {
  auto* fresh = new (state) SemaphoreState{};
  fresh->value.store(value, std::memory_order_relaxed);
  fresh->maxvalue = maxvalue;
  fresh->kind = kind;
}

std::size_t SemLock::offset() const noexcept {
  return static_cast<std::size_t>(reinterpret_cast<const std::byte*>(state_) -
                                  static_cast<const std::byte*>(memory_.data()));
}

bool SemLock::acquire_contended(bool block, const WaitTimeout& timeout) {
  auto try_take = [this] {
    std::uint32_t value = state_->value.load(std::memory_order_seq_cst);
    while (value > 0) {
      if (state_->value.compare_exchange_weak(value, value - 1, std::memory_order_seq_cst,
                                              std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  };
  bool taken = try_take();
  if (!taken && block) {
    Deadline deadline = deadline_after(timeout);
    // Announce the sleeper before re-checking the value: release() increments the value, then
    // reads `waiters` (both seq_cst), so one of the two sides sees the other.
    state_->waiters.fetch_add(1, std::memory_order_seq_cst);
    for (;;) {
      taken = try_take();
      if (taken) break;
      if (futex_wait(&state_->value, 0, deadline) == WaitResult::timed_out) {
        taken = try_take();
        break;
      }
    }
    state_->waiters.fetch_sub(1, std::memory_order_relaxed);
  }
  if (taken && kind_ != SemKind::semaphore) record_owner();
  return taken;
}

bool SemLock::release_recursion_level() {
  if (state_->owner.load(std::memory_order_relaxed) != current_tid() ||
      state_->depth.load(std::memory_order_relaxed) == 0) {
    throw AssertionError("attempt to release recursive lock not owned by thread");
  }
  if (state_->depth.fetch_sub(1, std::memory_order_relaxed) > 1) return false;
  state_->owner.store(0, std::memory_order_relaxed);
  return true;
}

void SemLock::throw_released_too_many_times() {
  throw ValueError("semaphore or lock released too many times");
}

bool SemLock::is_mine() const noexcept {
  return kind_ != SemKind::semaphore && value() == 0 &&
         state_->owner.load(std::memory_order_relaxed) == current_tid();
}

std::uint32_t SemLock::count() const noexcept {
  if (!is_mine()) return 0;
  return kind_ == SemKind::rlock ? state_->depth.load(std::memory_order_relaxed) : 1;
}

SemLock make_semlock(SemKind kind, std::uint32_t value, std::uint32_t maxvalue,
                     std::string_view name) {
  SharedMemory memory = SharedMemory::create(sizeof(SemaphoreState), name);
  SemLock::initialize(memory.at<SemaphoreState>(), kind, value, maxvalue);
  return SemLock(std::move(memory), 0);
}

}  // namespace detail

Lock::Lock() : SemLock(detail::make_semlock(detail::SemKind::lock, 1, 1, "mp-lock")) {}

RLock::RLock() : SemLock(detail::make_semlock(detail::SemKind::rlock, 1, 1, "mp-rlock")) {}

namespace {

int checked_initial_value(int value) {
  if (value < 0) throw detail::ErrnoError(EINVAL);  // what sem_open reports in CPython
  return value;
}

}  // namespace

Semaphore::Semaphore(int value) : Semaphore(value, static_cast<int>(kSemValueMax), "Semaphore") {}

Semaphore::Semaphore(int value, int maxvalue, std::string_view type_name)
    : SemLock(detail::make_semlock(detail::SemKind::semaphore,
                                   static_cast<std::uint32_t>(checked_initial_value(value)),
                                   static_cast<std::uint32_t>(maxvalue), "mp-semaphore")),
      type_name_(type_name) {}

BoundedSemaphore::BoundedSemaphore(int value) : Semaphore(value, value, "BoundedSemaphore") {}

}  // namespace mp
