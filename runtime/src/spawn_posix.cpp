// The spawn start method (CPython's popen_spawn_posix.py and spawn.py): posix_spawn of
// /proc/self/exe; mp::init() in the child reads the preparation data and process object from a
// socket and runs it.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/errors.hpp"
#include "mp/serialize.hpp"
#include "process_internal.hpp"
#include "spawn_fds.hpp"

extern char** environ;

namespace mp::detail {

Preparation prepare(Process& process, const std::string& start_method, std::vector<int>& exported_fds) {
  if (!initialized()) {
    throw RuntimeError("mp::init(argc, argv) must be the first call in main() to use the " + start_method +
                       " start method");
  }
  Preparation prep;
  {
    FdExportScope scope;
    prep.process = ProcessAccess::pack(process);
    exported_fds.insert(exported_fds.end(), scope.fds().begin(), scope.fds().end());
  }
  prep.name = process.name();
  prep.identity = ProcessAccess::identity(process);
  prep.daemon = process.daemon();
  prep.authkey = process.authkey();
  prep.start_method = start_method;
  prep.parent_pid = static_cast<int>(::getpid());
  prep.parent_name = current_process().name();
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) != nullptr) prep.cwd = cwd;
  return prep;
}

void run_prepared_child(Preparation& prep, std::vector<int> received_fds, bool after_fork) {
  if (!prep.cwd.empty()) (void)!::chdir(prep.cwd.c_str());
  force_start_method(prep.start_method);
  std::unique_ptr<Process> process;
  try {
    FdImportScope scope(std::move(received_fds));
    auto factory = function_at<std::unique_ptr<Process>(std::string_view)>(prep.process.factory);
    process = factory(prep.process.payload);
  } catch (const Error& e) {
    std::string text = "Process " + prep.name + ":\nTraceback (most recent call last):\n" + e.str() + "\n";
    (void)!::write(2, text.data(), text.size());
    ::_exit(1);
  } catch (const std::exception& e) {
    std::string text = "Process " + prep.name + ":\nTraceback (most recent call last):\n" + e.what() + "\n";
    (void)!::write(2, text.data(), text.size());
    ::_exit(1);
  }
  ProcessAccess::adopt(*process, prep.name, prep.identity, prep.daemon, prep.authkey, prep.parent_pid);
  become_child(*process, prep.start_method, prep.parent_pid, prep.parent_name);
  run_child(*process.release(), after_fork);
}

std::shared_ptr<Popen> start_spawn(Process& process) {
  std::vector<int> fds;
  Preparation prep = prepare(process, "spawn", fds);
  std::string bytes = dumps(prep);

  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) throw_last_error();
  const int parent_end = pair[0];
  const int child_end = pair[1];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // These descriptors, and only these, cross (renumbered from 3).
  std::vector<int> crossing{child_end};
  crossing.insert(crossing.end(), fds.begin(), fds.end());
  const std::vector<int> numbers = pass_only(&actions, crossing);
  std::string fd_arg = std::to_string(numbers[0]);
  std::string fds_arg;
  for (std::size_t i = 1; i < numbers.size(); ++i) fds_arg += (fds_arg.empty() ? "" : ",") + std::to_string(numbers[i]);
  std::string marker = "--mp-spawn-child";
  std::string argv0 = program_name();
  char* argv[] = {argv0.data(), marker.data(), fd_arg.data(), fds_arg.data(), nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(child_end);
  if (error != 0) {
    ::close(parent_end);
    throw ErrnoError(error);
  }
  auto popen = std::make_shared<PidfdPopen>(pid, process.name(), process.daemon());
  try {
    write_frame(parent_end, bytes);
  } catch (const OSError&) {
    // The child died before reading (it will report its own exit code): nothing to add here.
  }
  ::close(parent_end);
  return popen;
}

void spawn_child_main(int argc, char** argv) {
  if (argc < 3) ::_exit(2);
  const int fd = std::atoi(argv[2]);
  std::vector<int> received;
  if (argc >= 4) {
    for (const char* p = argv[3]; *p != '\0';) {
      char* end = nullptr;
      received.push_back(static_cast<int>(std::strtol(p, &end, 10)));
      p = (*end == ',') ? end + 1 : end;
    }
  }
  Preparation prep;
  try {
    prep = loads<Preparation>(read_frame(fd));
  } catch (...) {
    ::_exit(1);  // the parent went away before sending the process object
  }
  ::close(fd);
  for (int r : received) ::fcntl(r, F_SETFD, FD_CLOEXEC);
  run_prepared_child(prep, std::move(received), /*after_fork=*/false);
}

}  // namespace mp::detail
