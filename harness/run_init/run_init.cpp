// parity-run-init: the init (pid 1) of one run's PID namespace. Protocol: run_init_protocol.hpp.
// Kept tiny and single-threaded: it runs once per program run.

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "default_signal_state.hpp"
#include "run_init_protocol.hpp"

using parity::run_init::Kind;
using parity::run_init::Message;

namespace {

void report(int fd, Kind kind, int value, const rusage* usage = nullptr) {
  Message message{kind, value, {}};
  if (usage) message.usage = *usage;
  while (::write(fd, &message, sizeof message) < 0 && errno == EINTR) {
  }
}

[[noreturn]] void exec_program(char** argv, int error_fd) {
  ::setpgid(0, 0);
  parity::reset_signal_state();
  ::execv(argv[0], argv + 1);
  int error = errno;
  [[maybe_unused]] ssize_t written = ::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  const int report_fd = std::atoi(argv[1]);
  if (::fcntl(report_fd, F_SETFD, FD_CLOEXEC) != 0) return 2;
  // The namespace's own /proc, so that the program's pids and /proc agree (/proc/self/task/<tid>).
  // Without it (no private mount namespace) the harness's /proc stays: a case still runs.
  ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);

  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) {
    report(report_fd, Kind::exec_failed, errno);
    return 1;
  }
  const pid_t program = ::fork();
  if (program < 0) {
    report(report_fd, Kind::exec_failed, errno);
    return 1;
  }
  if (program == 0) exec_program(argv + 2, exec_error[1]);
  ::close(exec_error[1]);
  int error = 0;
  ssize_t got;
  while ((got = ::read(exec_error[0], &error, sizeof error)) < 0 && errno == EINTR) {
  }
  ::close(exec_error[0]);
  if (got == sizeof error) {
    while (::waitpid(program, nullptr, 0) < 0 && errno == EINTR) {
    }
    report(report_fd, Kind::exec_failed, error);
    return 1;
  }
  report(report_fd, Kind::started, program);

  // Reap everything: the program (reported), then the orphans, until the namespace is empty.
  for (;;) {
    int status = 0;
    rusage usage{};
    pid_t pid = ::wait4(-1, &status, 0, &usage);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left
    }
    if (pid == program) report(report_fd, Kind::exited, status, &usage);
  }
  return 0;
}
