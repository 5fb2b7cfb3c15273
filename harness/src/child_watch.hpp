#pragma once
// Waiting, with a timeout, for one specific child to exit, without reaping it, without waitpid(-1)
// and without a SIGCHLD handler: a pidfd (Linux >= 5.3) polled for readability; where pidfds are
// unavailable, waitid(WNOWAIT) polled every millisecond.

#include <chrono>

namespace parity {

class ChildWatch {
 public:
  // pid must be an unreaped child of the calling process.
  explicit ChildWatch(int pid) noexcept;
  ~ChildWatch();
  ChildWatch(const ChildWatch&) = delete;
  ChildWatch& operator=(const ChildWatch&) = delete;

  // True once the child has exited (it stays a zombie until someone reaps it); false if it is
  // still running after `timeout`.
  bool wait_exit(std::chrono::steady_clock::duration timeout);
  bool wait_exit_until(std::chrono::steady_clock::time_point deadline);

 private:
  int pid_;
  int pidfd_;
};

}  // namespace parity
