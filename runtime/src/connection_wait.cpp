// mp::wait() and Connection::poll() on poll(2).
#include <poll.h>
#include <time.h>

#include <cerrno>
#include <cmath>
#include <vector>

#include "mp/connection.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/queue_core.hpp"

namespace mp::detail {

namespace {

timespec monotonic_now() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now;
}

double seconds_between(const timespec& from, const timespec& to) noexcept {
  return static_cast<double>(to.tv_sec - from.tv_sec) +
         static_cast<double>(to.tv_nsec - from.tv_nsec) * 1e-9;
}

timespec to_timespec(double seconds) noexcept {
  if (seconds < 0) seconds = 0;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(seconds);
  ts.tv_nsec = static_cast<long>((seconds - static_cast<double>(ts.tv_sec)) * 1e9);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

}  // namespace

std::vector<std::size_t> wait_ready(std::span<const int> fds,
                                    std::optional<std::chrono::duration<double>> timeout) {
  if (!timeout || timeout->count() > 0) help_flush_pending_feeders();
  std::vector<pollfd> polled(fds.size());
  for (std::size_t i = 0; i < fds.size(); ++i) polled[i] = pollfd{fds[i], POLLIN, 0};
  const timespec start = monotonic_now();
  const double limit = timeout ? std::max(0.0, timeout->count()) : 0.0;
  // After EINTR, what is left of the timeout (nothing: a poll that returns at once).
  const int n = retry_on_eintr([&] {
    timespec remaining{};
    if (timeout) remaining = to_timespec(limit - seconds_between(start, monotonic_now()));
    return ::ppoll(polled.data(), polled.size(), timeout ? &remaining : nullptr, nullptr);
  });
  if (n < 0) throw_last_error();
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < polled.size(); ++i) {
    if (polled[i].revents != 0) ready.push_back(i);
  }
  return ready;
}

}  // namespace mp::detail
