#include "mp/detail/futex.hpp"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>

namespace mp::detail {
namespace {

constexpr long kNanosPerSecond = 1'000'000'000;

thread_local pid_t cached_tid = 0;

// The thread that called fork() continues as the child's only thread with a stale cache.
void forget_tid_in_child() noexcept { cached_tid = 0; }

[[maybe_unused]] const int atfork_registered = [] {
  return pthread_atfork(nullptr, nullptr, &forget_tid_in_child);
}();

}  // namespace

Deadline deadline_after(std::optional<std::chrono::duration<double>> timeout) noexcept {
  if (!timeout) return std::nullopt;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  double seconds = timeout->count();
  if (!(seconds > 0)) return now;  // negative or NaN: poll once
  if (seconds > 1e9) return std::nullopt;  // beyond any test or program lifetime: forever
  double whole = std::floor(seconds);
  timespec deadline{};
  deadline.tv_sec = now.tv_sec + static_cast<time_t>(whole);
  deadline.tv_nsec = now.tv_nsec + static_cast<long>((seconds - whole) * kNanosPerSecond);
  if (deadline.tv_nsec >= kNanosPerSecond) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= kNanosPerSecond;
  }
  return deadline;
}

bool deadline_passed(const Deadline& deadline) noexcept {
  if (!deadline) return false;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline->tv_sec ||
         (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

WaitResult futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                      const Deadline& deadline) noexcept {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC timeout, so retries keep one deadline.
  long rc = syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT_BITSET,
                    expected, deadline ? &*deadline : nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
  if (rc == -1 && errno == ETIMEDOUT) return WaitResult::timed_out;
  return WaitResult::woken;
}

void futex_wake(std::atomic<std::uint32_t>* word, int count) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE, count, nullptr, nullptr,
          0);
}

pid_t current_tid() noexcept {
  if (cached_tid == 0) cached_tid = static_cast<pid_t>(syscall(SYS_gettid));
  return cached_tid;
}

}  // namespace mp::detail
