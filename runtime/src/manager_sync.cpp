// threading's primitives for the manager's server process (detail/manager_sync.hpp), following
// CPython 3.11's threading.py and _thread lock semantics.
#include "mp/detail/manager_sync.hpp"

#include <cstdint>

#include "mp/errors.hpp"

namespace mp::detail {
namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point deadline_after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// _thread.lock.acquire's argument checks; returns the timeout in seconds, nullopt for forever.
std::optional<double> lock_timeout(bool blocking, std::optional<double> timeout) {
  if (timeout && *timeout != -1) {
    if (!blocking) throw ValueError("can't specify a timeout for a non-blocking call");
    if (*timeout < 0) throw ValueError("timeout value must be positive");
    return timeout;
  }
  return std::nullopt;
}

// Waits on `cv` until ready() or the timeout (nullopt: forever; never when !blocking).
template <class Ready>
bool wait_until_ready(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, bool blocking,
                      std::optional<double> timeout, Ready ready) {
  if (ready()) return true;
  if (!blocking) return false;
  if (!timeout) {
    cv.wait(lock, ready);
    return true;
  }
  return cv.wait_until(lock, deadline_after(*timeout), ready);
}

}  // namespace

bool LockServant::acquire(bool blocking, std::optional<double> timeout) {
  timeout = lock_timeout(blocking, timeout);
  std::unique_lock lock(mutex_);
  if (!wait_until_ready(lock, released_, blocking, timeout, [&] { return !locked_; })) return false;
  locked_ = true;
  return true;
}

void LockServant::release() {
  {
    std::lock_guard lock(mutex_);
    if (!locked_) throw RuntimeError("release unlocked lock");
    locked_ = false;
  }
  released_.notify_one();
}

bool RecursiveLock::acquire(bool blocking, std::optional<double> timeout) {
  timeout = lock_timeout(blocking, timeout);
  const std::thread::id me = std::this_thread::get_id();
  std::unique_lock lock(mutex_);
  if (count_ > 0 && owner_ == me) {
    ++count_;
    return true;
  }
  if (!wait_until_ready(lock, released_, blocking, timeout, [&] { return count_ == 0; })) return false;
  owner_ = me;
  count_ = 1;
  return true;
}

void RecursiveLock::release() {
  {
    std::lock_guard lock(mutex_);
    if (count_ == 0 || owner_ != std::this_thread::get_id()) {
      throw RuntimeError("cannot release un-acquired lock");
    }
    if (--count_ > 0) return;
    owner_ = std::thread::id();
  }
  released_.notify_one();
}

bool RecursiveLock::is_owned() {
  std::lock_guard lock(mutex_);
  return count_ > 0 && owner_ == std::this_thread::get_id();
}

std::uint64_t RecursiveLock::release_all() {
  std::uint64_t levels;
  {
    std::lock_guard lock(mutex_);
    levels = count_;
    count_ = 0;
    owner_ = std::thread::id();
  }
  released_.notify_one();
  return levels;
}

void RecursiveLock::acquire_levels(std::uint64_t levels) {
  std::unique_lock lock(mutex_);
  released_.wait(lock, [&] { return count_ == 0; });
  owner_ = std::this_thread::get_id();
  count_ = levels;
}

SemaphoreServant::SemaphoreServant(std::int64_t value, bool bounded)
    : value_(value), initial_(value), bounded_(bounded) {
  if (value < 0) throw ValueError("semaphore initial value must be >= 0");
}

bool SemaphoreServant::acquire(bool blocking, std::optional<double> timeout) {
  if (!blocking && timeout) throw ValueError("can't specify timeout for non-blocking acquire");
  std::unique_lock lock(mutex_);
  if (!wait_until_ready(lock, released_, blocking, timeout, [&] { return value_ > 0; })) return false;
  --value_;
  return true;
}

void SemaphoreServant::release() {
  {
    std::lock_guard lock(mutex_);
    if (bounded_ && value_ >= initial_) throw ValueError("Semaphore released too many times");
    ++value_;
  }
  released_.notify_one();
}

bool ConditionServant::wait(std::optional<double> timeout) {
  if (!lock_.is_owned()) throw RuntimeError("cannot wait on un-acquired lock");
  Waiter waiter;
  {
    std::lock_guard guard(waiters_mutex_);
    waiters_.push_back(&waiter);
  }
  const std::uint64_t levels = lock_.release_all();
  bool notified;
  {
    std::unique_lock guard(waiters_mutex_);
    auto woken = [&] { return waiter.notified; };
    if (!timeout) {
      waiter.wake.wait(guard, woken);
      notified = true;
    } else if (*timeout > 0) {
      notified = waiter.wake.wait_until(guard, deadline_after(*timeout), woken);
    } else {
      notified = waiter.notified;
    }
    if (!notified) waiters_.remove(&waiter);
  }
  lock_.acquire_levels(levels);
  return notified;
}

void ConditionServant::notify(std::int64_t n) {
  if (!lock_.is_owned()) throw RuntimeError("cannot notify on un-acquired lock");
  std::lock_guard guard(waiters_mutex_);
  for (; n > 0 && !waiters_.empty(); --n) {
    Waiter* waiter = waiters_.front();
    waiters_.pop_front();
    waiter->notified = true;
    waiter->wake.notify_one();
  }
}

void ConditionServant::notify_all() { notify(INT64_MAX); }

bool EventServant::is_set() {
  std::lock_guard lock(mutex_);
  return flag_;
}

void EventServant::set() {
  {
    std::lock_guard lock(mutex_);
    flag_ = true;
  }
  changed_.notify_all();
}

void EventServant::clear() {
  std::lock_guard lock(mutex_);
  flag_ = false;
}

bool EventServant::wait(std::optional<double> timeout) {
  std::unique_lock lock(mutex_);
  if (timeout && *timeout <= 0) return flag_;
  return wait_until_ready(lock, changed_, true, timeout, [&] { return flag_; });
}

BarrierServant::BarrierServant(std::int64_t parties, std::int64_t action, std::optional<double> timeout)
    : parties_(parties),
      action_(action ? function_at<void()>(action) : nullptr),
      timeout_(timeout) {}

std::int64_t BarrierServant::wait(std::optional<double> timeout) {
  if (!timeout) timeout = timeout_;
  std::unique_lock lock(mutex_);
  enter(lock);
  const std::int64_t index = count_++;
  try {
    if (index + 1 == parties_) {
      release_parties();
    } else {
      wait_released(lock, timeout);
    }
  } catch (...) {
    --count_;
    exit_wait();
    throw;
  }
  --count_;
  exit_wait();
  return index;
}

void BarrierServant::enter(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [&] { return state_ != State::draining && state_ != State::resetting; });
  if (state_ == State::broken) throw BrokenBarrierError();
}

void BarrierServant::release_parties() {
  try {
    if (action_) action_();
  } catch (...) {
    break_barrier();
    throw;
  }
  state_ = State::draining;
  changed_.notify_all();
}

void BarrierServant::wait_released(std::unique_lock<std::mutex>& lock, std::optional<double> timeout) {
  auto released = [&] { return state_ != State::filling; };
  bool done;
  if (!timeout) {
    changed_.wait(lock, released);
    done = true;
  } else {
    done = *timeout > 0 ? changed_.wait_until(lock, deadline_after(*timeout), released) : released();
  }
  if (!done) {
    break_barrier();
    throw BrokenBarrierError();
  }
  if (state_ == State::broken || state_ == State::resetting) throw BrokenBarrierError();
}

void BarrierServant::exit_wait() {
  if (count_ == 0 && (state_ == State::resetting || state_ == State::draining)) {
    state_ = State::filling;
    changed_.notify_all();
  }
}

void BarrierServant::break_barrier() {
  state_ = State::broken;
  changed_.notify_all();
}

void BarrierServant::reset() {
  std::lock_guard lock(mutex_);
  if (count_ > 0) {
    if (state_ == State::filling || state_ == State::broken) state_ = State::resetting;
  } else {
    state_ = State::filling;
  }
  changed_.notify_all();
}

void BarrierServant::abort() {
  std::lock_guard lock(mutex_);
  break_barrier();
}

std::int64_t BarrierServant::parties() {
  std::lock_guard lock(mutex_);
  return parties_;
}

std::int64_t BarrierServant::n_waiting() {
  std::lock_guard lock(mutex_);
  return state_ == State::filling ? count_ : 0;
}

bool BarrierServant::broken() {
  std::lock_guard lock(mutex_);
  return state_ == State::broken;
}

}  // namespace mp::detail
