// Child handles waited for with a pidfd, and the fork start method (CPython's popen_fork.py).
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {

int exitcode_from_status(int status) noexcept {
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return status;
}

bool wait_readable(int fd, std::optional<double> timeout_s) {
  if (fd < 0) return true;
  using clock = std::chrono::steady_clock;
  const auto deadline =
      timeout_s ? clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(*timeout_s))
                : clock::time_point::max();
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    const int n = retry_on_eintr([&] {
      int timeout_ms = -1;
      if (timeout_s) {
        auto left = std::chrono::duration<double, std::milli>(deadline - clock::now()).count();
        timeout_ms = left <= 0 ? 0 : static_cast<int>(std::ceil(left));
      }
      return ::poll(&pfd, 1, timeout_ms);
    });
    if (n > 0) return true;
    if (n < 0) return true;  // EBADF and the like: nothing left to wait for
    if (!timeout_s || clock::now() >= deadline) return false;
  }
}

std::optional<int> Popen::wait_for(std::optional<double> timeout_s) {
  (void)pid();  // consumes a forkserver child's pid from its sentinel
  {
    std::lock_guard lock(mutex_);
    if (returncode_) return returncode_;
  }
  // Wait without the lock, so that poll() from another thread does not block behind a join().
  if (!wait_readable(sentinel(), timeout_s)) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (!returncode_) returncode_ = collect();
  return returncode_;
}

void Popen::send_signal(int sig) {
  (void)pid();
  std::lock_guard lock(mutex_);
  if (returncode_ || pid_ <= 0) return;  // reaped: the pid may belong to another process by now
  if (::kill(pid_, sig) != 0 && errno != ESRCH) throw_last_error();
}

PidfdPopen::PidfdPopen(int pid, std::string name, bool daemon, bool reap)
    : Popen(pid, std::move(name), daemon), reap_(reap) {
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // always close-on-exec
}

void PidfdPopen::attach(int pid) {
  set_pid(pid);
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

void PidfdPopen::close() noexcept {
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
}

std::optional<int> PidfdPopen::collect() {
  if (!reap_) return 0;  // not our child: it ended, its code is not ours to know
  for (;;) {
    int status = 0;
    const pid_t r = retry_on_eintr([&] { return ::waitpid(pid(), &status, 0); });
    if (r == pid()) return exitcode_from_status(status);
    return 255;  // ECHILD: reaped elsewhere (SIGCHLD ignored); the code is lost
  }
}

std::shared_ptr<Popen> start_fork(Process& process) {
  const int parent_pid = static_cast<int>(::getpid());
  std::string parent_name = current_process().name();
  // Everything the child would otherwise build for itself (and pay copy-on-write for) is built here.
  lifecycle_warm_up();
  (void)devnull_fd();
  auto popen = std::make_shared<PidfdPopen>(process.name(), process.daemon());
  pid_t pid = ::fork();
  if (pid < 0) throw_last_error();
  if (pid == 0) {
    become_child(process, "fork", parent_pid, std::move(parent_name));
    run_child(process, /*after_fork=*/true);
  }
  popen->attach(pid);
  return popen;
}

}  // namespace mp::detail
