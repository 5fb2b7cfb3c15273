#pragma once
// Cross-process futex operations on 32-bit words in shared memory (FUTEX_WAIT_BITSET/FUTEX_WAKE
// without FUTEX_PRIVATE_FLAG: the word may be mapped at different addresses in different
// processes), and the deadlines the synchronization primitives wait with.

#include <sys/types.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace mp::detail {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "futex words must be plain lock-free 32-bit atomics");

// An absolute CLOCK_MONOTONIC time, or none (wait forever).
using Deadline = std::optional<timespec>;

// The deadline `timeout` from now; nullopt stays nullopt. A negative timeout counts as zero, as in
// CPython's SemLock.acquire.
Deadline deadline_after(std::optional<std::chrono::duration<double>> timeout) noexcept;

// True once `deadline` has passed (never for nullopt).
bool deadline_passed(const Deadline& deadline) noexcept;

enum class WaitResult { woken, timed_out };

// Sleeps while *word == expected, until woken, the deadline or a signal. Returns timed_out only
// when the deadline passed; a wake, a value mismatch and EINTR all count as woken (callers
// re-check their condition in a loop).
WaitResult futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                      const Deadline& deadline) noexcept;

// Wakes up to `count` processes or threads sleeping on word.
void futex_wake(std::atomic<std::uint32_t>* word, int count) noexcept;

// The calling thread's kernel thread id, unique among live threads of every process (what the
// recursive lock and Condition record as the owner). Cached per thread, reset in fork children.
pid_t current_tid() noexcept;

}  // namespace mp::detail
