#include "child_watch.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "eintr.hpp"

namespace parity {

ChildWatch::ChildWatch(int pid) noexcept
    : pid_(pid), pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}

ChildWatch::~ChildWatch() {
  if (pidfd_ >= 0) ::close(pidfd_);
}

bool ChildWatch::wait_exit(std::chrono::steady_clock::duration timeout) {
  // Saturated: a timeout past the clock's range waits "forever", never wraps into the past.
  const auto now = std::chrono::steady_clock::now();
  const auto room = std::chrono::steady_clock::time_point::max() - now;
  return wait_exit_until(timeout >= room ? std::chrono::steady_clock::time_point::max() : now + timeout);
}

bool ChildWatch::wait_exit_until(std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  for (;;) {
    auto remaining = deadline - steady_clock::now();
    if (remaining < steady_clock::duration::zero()) remaining = steady_clock::duration::zero();
    if (pidfd_ >= 0) {
      auto ns = duration_cast<nanoseconds>(remaining).count();
      timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
      pollfd pfd{pidfd_, POLLIN, 0};
      // A deadline at time_point::max() is "no deadline".
      int n = ::ppoll(&pfd, 1, deadline == steady_clock::time_point::max() ? nullptr : &ts, nullptr);
      if (n < 0 && errno == EINTR) continue;  // the loop recomputes what is left of the timeout
      if (n > 0) return true;
      if (n < 0) return true;  // EBADF etc.: cannot watch; let the caller's wait4 decide
      return false;
    }
    siginfo_t info{};
    if (retry_on_eintr([&] { return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT); }) != 0)
      return true;  // ECHILD: already reaped
    if (info.si_pid == pid_) return true;
    if (remaining == steady_clock::duration::zero()) return false;
    std::this_thread::sleep_for(std::min<steady_clock::duration>(remaining, milliseconds(1)));
  }
}

}  // namespace parity
