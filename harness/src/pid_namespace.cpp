// PidNamespaceRun: clone() into new PID, mount and IPC namespaces, exec parity-run-init, and read
// its reports.

#include "pid_namespace.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

#include "eintr.hpp"
#include "process_tree.hpp"
#include "run_init_protocol.hpp"

namespace parity {
namespace {

constexpr int namespace_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
constexpr int report_fd_in_init = 3;

// Everything the cloned child needs, prepared by the parent: the child shares the parent's memory
// (CLONE_VM) and makes only system calls.
struct ChildArgs {
  const char* init_path;
  char* const* argv;
  const char* const* envp;
  const char* cwd;  // null: stay
  int stdout_fd;
  int stderr_fd;
  int report_fd;
  const ShmSandbox* shm;
  int error = 0;  // set by the child when it fails before exec
};

int child_main(void* raw) {
  auto* args = static_cast<ChildArgs*>(raw);
  auto fail = [&](int error) {
    args->error = error;
    ::_exit(127);
  };
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the namespace dies with the harness
  // Our mounts (/proc, /dev/shm) must not propagate back into the harness's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) fail(errno);
  if (args->shm) args->shm->enter_in_child();
  rlimit no_core{0, 0};  // a crashing case leaves no core file in its directory
  ::setrlimit(RLIMIT_CORE, &no_core);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(args->stdout_fd, 1) < 0 ||
      ::dup2(args->stderr_fd, 2) < 0)
    fail(errno);
  if (args->report_fd == report_fd_in_init) {
    if (::fcntl(report_fd_in_init, F_SETFD, 0) != 0) fail(errno);
  } else if (::dup2(args->report_fd, report_fd_in_init) < 0) {
    fail(errno);
  }
  if (args->cwd && ::chdir(args->cwd) != 0) fail(errno);
  ::execve(args->init_path, args->argv, const_cast<char* const*>(args->envp));
  fail(errno);
  return 127;
}

// Clones fn into the new namespaces, vfork-style (the parent waits until the child execs or exits).
pid_t clone_into_namespaces(int (*fn)(void*), void* arg) {
  constexpr std::size_t stack_size = 64 * 1024;
  std::vector<char> stack(stack_size);
  return ::clone(fn, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | namespace_flags | SIGCHLD,
                 arg);
}

int probe_child(void*) { ::_exit(0); }

bool probe() {
  if (const char* setting = std::getenv("PARITY_PID_NAMESPACE"); setting && std::string_view(setting) == "0")
    return false;
  if (::access(PARITY_RUN_INIT, X_OK) != 0) return false;
  pid_t pid = clone_into_namespaces(probe_child, nullptr);
  if (pid < 0) return false;
  int status = 0;
  retry_on_eintr([&] { return ::waitpid(pid, &status, __WALL); });
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

bool PidNamespaceRun::available() {
  static const bool result = probe();  // a function-local static is initialized once, thread-safely
  return result;
}

PidNamespaceRun::PidNamespaceRun(const NamespaceSpawn& spawn) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    start_error_ = std::string("pipe: ") + std::strerror(errno);
    return;
  }
  // parity-run-init REPORT_FD EXECUTABLE ARGV0 [ARGS...]
  std::vector<std::string> init_args{PARITY_RUN_INIT, std::to_string(report_fd_in_init),
                                     spawn.executable};
  init_args.insert(init_args.end(), spawn.argv.begin(), spawn.argv.end());
  std::vector<char*> argv;
  for (auto& arg : init_args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string cwd = spawn.cwd.string();
  ChildArgs args{PARITY_RUN_INIT, argv.data(), spawn.envp, cwd.empty() ? nullptr : cwd.c_str(),
                 spawn.stdout_fd, spawn.stderr_fd, report[1], spawn.shm};
  init_pid_ = clone_into_namespaces(child_main, &args);
  const int clone_error = errno;
  ::close(report[1]);
  report_fd_ = report[0];
  if (init_pid_ < 0) {
    start_error_ = std::string("clone: ") + std::strerror(clone_error);
    return;
  }
  init_pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, init_pid_, 0));
  if (args.error != 0) {
    start_error_ = std::strerror(args.error);
  }
}

PidNamespaceRun::~PidNamespaceRun() {
  if (!finished_ && init_pid_ > 0) finish();
  if (init_pidfd_ >= 0) ::close(init_pidfd_);
  if (report_fd_ >= 0) ::close(report_fd_);
}

void PidNamespaceRun::read_messages(int timeout_ms) {
  if (report_fd_ < 0) return;
  pollfd pfd{report_fd_, POLLIN, 0};
  int ready = ::poll(&pfd, 1, timeout_ms);
  if (ready <= 0) return;
  run_init::Message message{};
  ssize_t got = retry_on_eintr([&] { return ::read(report_fd_, &message, sizeof message); });
  if (got == 0 || (got < 0 && errno != EAGAIN)) {
    ::close(report_fd_);  // init is gone
    report_fd_ = -1;
    return;
  }
  if (got != sizeof message) return;
  switch (message.kind) {
    case run_init::Kind::started:
      started_ = true;
      break;
    case run_init::Kind::exec_failed:
      start_error_ = std::string(std::strerror(message.value));
      break;
    case run_init::Kind::exited:
      started_ = true;
      exit_status_ = message.value;
      break;
  }
}

namespace {
int milliseconds_until(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
}
}  // namespace

std::optional<std::string> PidNamespaceRun::wait_started(Clock::time_point deadline) {
  while (!started_ && !start_error_ && report_fd_ >= 0) {
    if (Clock::now() >= deadline) return "parity-run-init did not start the program in time";
    read_messages(milliseconds_until(deadline));
  }
  if (start_error_) return start_error_;
  if (!started_) return "parity-run-init exited before starting the program";
  return std::nullopt;
}

bool PidNamespaceRun::wait_program_exit(Clock::time_point deadline) {
  while (!exit_status_ && report_fd_ >= 0) {
    if (Clock::now() >= deadline) return false;
    read_messages(milliseconds_until(deadline));
  }
  return true;  // reported, or init is gone (and the program with it)
}

std::vector<int> PidNamespaceRun::alive() const {
  std::vector<int> living;
  if (init_pid_ <= 0 || finished_) return living;
  for (int pid : proc::descendants_of(init_pid_)) {
    auto stat = proc::read_stat(pid);
    if (stat && !stat->zombie()) living.push_back(pid);
  }
  return living;
}

void PidNamespaceRun::signal_all(int sig) const {
  // Each process group at once first (as the fallback does): signalled one by one, a process
  // could see another's death before its own signal (a receiver getting EOF as the parent dies).
  std::vector<int> living = alive();
  std::vector<int> groups;
  for (int pid : living)
    if (auto stat = proc::read_stat(pid); stat && stat->pgid > 0 &&
                                          std::find(groups.begin(), groups.end(), stat->pgid) == groups.end())
      groups.push_back(stat->pgid);
  for (int group : groups) ::kill(-group, sig);
  for (int pid : living) ::kill(pid, sig);
}

bool PidNamespaceRun::wait_empty(Clock::time_point deadline) {
  if (init_pid_ <= 0 || finished_) return true;
  for (;;) {
    if (init_pidfd_ >= 0) {
      pollfd pfd{init_pidfd_, POLLIN, 0};
      if (::poll(&pfd, 1, milliseconds_until(deadline)) > 0) return true;
    } else {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(init_pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
          info.si_pid == init_pid_)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (Clock::now() >= deadline) return false;
  }
}

rusage PidNamespaceRun::finish() {
  rusage usage{};
  if (finished_ || init_pid_ <= 0) return usage;
  finished_ = true;
  ::kill(init_pid_, SIGKILL);  // a no-op on a zombie; else the kernel kills the namespace
  int status = 0;
  retry_on_eintr([&] { return ::wait4(init_pid_, &status, 0, &usage); });
  // Init may have reported the program's exit just before it died.
  for (int message = 0; message < 4 && !exit_status_ && report_fd_ >= 0; ++message) read_messages(0);
  return usage;
}

}  // namespace parity
