#include "tool_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "eintr.hpp"
#include "orphan_reaper.hpp"
#include "process_tree.hpp"

extern char** environ;

namespace parity {

ToolProcess::ToolProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  if (argv.empty()) {
    start_error_ = "empty command line";
    return;
  }
  std::error_code ec;
  output_ = std::make_unique<CapturedOutput>("parity-tool-output", ec);
  if (ec) {
    start_error_ = "cannot capture output: " + ec.message();
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output_->fd(), 1);
  posix_spawn_file_actions_adddup2(&actions, output_->fd(), 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = -1;
  int rc;
  {
    auto guard = OrphanReaper::instance().launch_guard();
    rc = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    if (rc == 0) registration_ = OrphanReaper::instance().register_run(pid, nullptr);
  }
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    start_error_ = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return;
  }
  pid_ = pid;
  watch_ = std::make_unique<ChildWatch>(pid_);
}

void ToolProcess::reap_group_leftovers() {
  // pid_ is the group; the tool itself is already reaped.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    ::kill(-pid_, SIGKILL);
    bool pending = false;
    for (int child : proc::children_of(::getpid())) {
      auto stat = proc::read_stat(child);
      if (!stat || stat->pgid != pid_) continue;
      if (OrphanReaper::instance().reap_orphan(child, nullptr) == OrphanReaper::ReapResult::alive)
        pending = true;
    }
    if (!pending || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  OrphanReaper::instance().unregister_run(registration_);
  pid_ = -1;
}

ToolProcess::~ToolProcess() {
  if (pid_ > 0) kill_and_reap();
}

void ToolProcess::kill_and_reap() {
  // The tool's descendants may have left its group; collect them before it dies.
  auto descendants = proc::descendants_of(pid_);
  ::kill(-pid_, SIGKILL);
  for (int pid : descendants) ::kill(pid, SIGKILL);
  retry_on_eintr([&] { return ::waitpid(pid_, nullptr, 0); });
  OrphanReaper::instance().main_reaped(registration_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (int pid : descendants) {
    while (OrphanReaper::instance().reap_orphan(pid, nullptr) ==
               OrphanReaper::ReapResult::alive &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  reap_group_leftovers();
}

ToolResult ToolProcess::finish(std::chrono::steady_clock::time_point deadline) {
  ToolResult result;
  if (pid_ <= 0) {
    result.error = start_error_;
    return result;
  }
  if (watch_->wait_exit_until(deadline)) {
    int status = 0;
    const pid_t reaped = retry_on_eintr([&] { return ::waitpid(pid_, &status, 0); });
    if (reaped == pid_) result.status = ExitStatus::from_wait_status(status);
    OrphanReaper::instance().main_reaped(registration_);
    reap_group_leftovers();
  } else {
    result.timed_out = true;
    kill_and_reap();
  }
  result.output = output_->read(capture_limit_bytes);
  return result;
}

ToolResult run_tool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                    const std::filesystem::path& cwd) {
  ToolProcess tool(argv, cwd);
  return tool.finish(std::chrono::steady_clock::now() + timeout);
}

}  // namespace parity
