// The exit sequence (CPython's util._exit_function) in children and in the main process, the
// finalizer and after-fork contracts of lifecycle.hpp, and that nothing outlives its owner: no
// zombie, no forkserver, no socket directory, even when the owner is SIGKILLed.
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>

#include "mp/detail/lifecycle.hpp"
#include "process_test_support.hpp"

extern char** environ;

namespace {

using mp_test::StartMethodTest;
using mp_test::TempDir;

class ExitTest : public StartMethodTest {};

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

void sleep_then_append(std::string path, std::string text) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  append(path, text);
}

void write_pid_and_sleep(std::string path) {
  mp_test::write_file(path + ".tmp", std::to_string(::getpid()));
  std::filesystem::rename(path + ".tmp", path);
  mp_test::sleep_until_killed();
}

// A child that registers finalizers and leaves a daemon and a non-daemon child running.
void leave_children_and_finalizers(std::string dir) {
  using mp::detail::register_finalizer;
  std::string log = dir + "/log";
  register_finalizer(10, [log] { append(log, "a "); });
  register_finalizer(0, [log] { append(log, "b "); });
  register_finalizer(10, [log] { append(log, "c "); });
  register_finalizer(-5, [log] { append(log, "d"); });
  mp::Process daemon(mp::ProcessOptions{.name = {}, .daemon = true, .start_method = {}}, write_pid_and_sleep,
                     dir + "/daemon.pid");
  daemon.start();
  mp::Process worker(sleep_then_append, log, std::string("joined "));
  worker.start();
  if (!mp_test::eventually([&] { return std::filesystem::exists(dir + "/daemon.pid"); })) mp::exit(3);
}

TEST_P(ExitTest, ChildExitRunsFinalizersTerminatesDaemonsJoinsOthers) {
  TempDir dir;
  mp::Process p(options(), leave_children_and_finalizers, dir.path().string());
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  // Priority >= 0 (highest first, then last registered first), children, then priority < 0.
  EXPECT_EQ(mp_test::read_file(dir.file("log")), "c a b joined d");
  int daemon_pid = std::stoi(mp_test::read_file(dir.file("daemon.pid")));
  EXPECT_FALSE(mp_test::pid_exists(daemon_pid)) << "daemon child " << daemon_pid << " outlived its parent";
}

bool after_fork_hook_ran = false;

TEST_P(ExitTest, AfterForkHooksRunAndInheritedFinalizersAreCleared) {
  if (!forked()) GTEST_SKIP() << "after-fork hooks concern forked children";
  static bool registered = false;
  if (!registered) {
    mp::detail::register_after_fork([] { after_fork_hook_ran = true; });
    registered = true;
  }
  TempDir dir;
  std::string marker = dir.file("parent-finalizer-ran");
  auto id = mp::detail::register_finalizer(5, [marker] { mp_test::write_file(marker, "x"); });
  mp::Process p(options(), +[] { mp::exit(after_fork_hook_ran ? 0 : 4); });
  p.start();
  mp_test::join_bounded(p);
  mp::detail::cancel_finalizer(id);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a forked child ran its parent's finalizer";
  EXPECT_FALSE(after_fork_hook_ran);  // only in the child
}

TEST(LifecycleTest, RunFinalizerRunsOnceAndCancelDrops) {
  int runs = 0;
  auto id = mp::detail::register_finalizer(1, [&] { ++runs; });
  mp::detail::run_finalizer(id);
  mp::detail::run_finalizer(id);
  EXPECT_EQ(runs, 1);
  auto dropped = mp::detail::register_finalizer(1, [&] { ++runs; });
  mp::detail::cancel_finalizer(dropped);
  mp::detail::run_finalizer(dropped);
  EXPECT_EQ(runs, 1);
}

// Pids of the live (non-zombie) processes whose parent is `parent`.
std::vector<int> live_children_of(int parent) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::string stat = mp_test::read_file("/proc/" + std::to_string(pid) + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == parent &&
        state != 'Z') {
      pids.push_back(pid);
    }
  }
  ::closedir(proc);
  return pids;
}

bool alive_not_zombie(int pid) {
  std::string stat = mp_test::read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close_paren = stat.rfind(')');
  return close_paren != std::string::npos && stat[close_paren + 2] != 'Z';
}

// Starts a forkserver child under a private TMPDIR, then reports "ready" and waits to be killed.
void use_forkserver_then_wait(std::string dir, bool wait) {
  ::setenv("TMPDIR", dir.c_str(), 1);
  mp::Process q = mp::get_context("forkserver").Process(+[] {});
  q.start();
  q.join();
  if (q.exitcode() != 0) mp::exit(5);
  mp_test::write_file(dir + "/ready", "ok");
  if (wait) mp_test::sleep_until_killed();
}

bool directory_empty(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_empty(dir, ec) && !ec;
}

// The owner is a spawn child, so that it starts a forkserver of its own (a forked owner would reuse
// this test process's server, as CPython's forked children do).
mp::ProcessOptions owner_options() {
  return mp::ProcessOptions{.name = {}, .daemon = {}, .start_method = "spawn"};
}

TEST(ForkserverExitTest, ServerAndItsDirectoryGoAwayAtNormalExit) {
  TempDir dir;
  mp::Process p(owner_options(), use_forkserver_then_wait, dir.path().string(), false);
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("ready")), "ok");
  std::filesystem::remove(dir.file("ready"));
  EXPECT_TRUE(directory_empty(dir.path())) << "the forkserver socket directory was left behind";
}

TEST(ForkserverExitTest, NoOrphanServerWhenItsOwnerIsKilled) {
  TempDir dir;
  mp::Process p(owner_options(), use_forkserver_then_wait, dir.path().string(), true);
  p.start();
  ASSERT_TRUE(mp_test::eventually([&] { return std::filesystem::exists(dir.file("ready")); }));
  std::vector<int> servers = live_children_of(*p.pid());
  ASSERT_EQ(servers.size(), 1u) << "expected exactly the forkserver under the owner";
  std::string cmdline = mp_test::read_file("/proc/" + std::to_string(servers[0]) + "/cmdline");
  EXPECT_NE(cmdline.find("--mp-forkserver"), std::string::npos);
  p.kill();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), -SIGKILL);
  EXPECT_TRUE(mp_test::eventually([&] { return !alive_not_zombie(servers[0]); })) << "orphaned forkserver";
  std::filesystem::remove(dir.file("ready"));
  EXPECT_TRUE(mp_test::eventually([&] { return directory_empty(dir.path()); }))
      << "the forkserver socket directory was left behind";
}

// The owner leads a process group holding its forkserver child; the whole group is SIGKILLed, as a
// harness timeout or a terminal does. The server is outside the group, sees its owner gone, and
// removes its directory; the forkserver child was in the group and is gone too.
void lead_group_with_forkserver_child(std::string dir) {
  ::setpgid(0, 0);
  ::setenv("TMPDIR", dir.c_str(), 1);
  static mp::Process q = mp::get_context("forkserver").Process(write_pid_and_sleep, dir + "/child.pid");
  q.start();
  if (!mp_test::eventually([&] { return std::filesystem::exists(dir + "/child.pid"); })) mp::exit(6);
  mp_test::write_file(dir + "/ready", "ok");
  mp_test::sleep_until_killed();
}

TEST(ForkserverExitTest, GroupKillLeavesNoServerChildOrDirectory) {
  TempDir dir;
  mp::Process p(owner_options(), lead_group_with_forkserver_child, dir.path().string());
  p.start();
  ASSERT_TRUE(mp_test::eventually([&] { return std::filesystem::exists(dir.file("ready")); }));
  std::vector<int> servers = live_children_of(*p.pid());
  ASSERT_EQ(servers.size(), 1u);
  int child = std::stoi(mp_test::read_file(dir.file("child.pid")));
  EXPECT_EQ(::getpgid(child), *p.pid()) << "the forkserver child is not in its client's process group";
  EXPECT_NE(::getpgid(servers[0]), *p.pid()) << "the forkserver is in its client's process group";
  ASSERT_EQ(::kill(-*p.pid(), SIGKILL), 0);
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), -SIGKILL);
  EXPECT_TRUE(mp_test::eventually([&] { return !alive_not_zombie(child); })) << "forkserver child survived";
  EXPECT_TRUE(mp_test::eventually([&] { return !alive_not_zombie(servers[0]); })) << "orphaned forkserver";
  std::filesystem::remove(dir.file("ready"));
  std::filesystem::remove(dir.file("child.pid"));
  EXPECT_TRUE(mp_test::eventually([&] { return directory_empty(dir.path()); }))
      << "the forkserver socket directory was left behind";
}

// A starter whose forkserver died (SIGKILL: no clean-up of its own) starts a new one on the next
// start(), removing the dead one's directory, as CPython's ensure_running restarts its server.
void restart_dead_forkserver(std::string dir) {
  ::setenv("TMPDIR", dir.c_str(), 1);
  const mp::Context& ctx = mp::get_context("forkserver");
  mp::Process first = ctx.Process(+[] {});
  first.start();
  first.join();
  std::vector<int> servers = live_children_of(static_cast<int>(::getpid()));
  if (servers.size() != 1) mp::exit(10);
  ::kill(servers[0], SIGKILL);
  if (!mp_test::eventually([&] { return !alive_not_zombie(servers[0]); })) mp::exit(11);
  mp::Process second = ctx.Process(+[] { mp::exit(7); });
  second.start();
  second.join();
  if (second.exitcode() != 7) mp::exit(12);
  if (!directory_empty(dir)) mp::exit(13);  // the socket directory lives for the handshake only
}

TEST(ForkserverExitTest, DeadServerIsRestarted) {
  TempDir dir;
  mp::Process p(owner_options(), restart_dead_forkserver, dir.path().string());
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_TRUE(directory_empty(dir.path()));
}

// The main process's exit: a helper run of this binary (the disabled test below) leaves a daemon
// and a non-daemon child behind and returns from main; atexit runs the exit sequence.
TEST_P(ExitTest, MainProcessExitTerminatesDaemonsAndJoinsOthers) {
  TempDir dir;
  std::string filter = "--gtest_filter=ExitHelper.DISABLED_LeaveChildrenAndReturn";
  std::string also = "--gtest_also_run_disabled_tests";
  std::string exe = "/proc/self/exe";
  char* argv[] = {exe.data(), filter.data(), also.data(), nullptr};
  std::vector<std::string> env_text = {"MP_EXIT_HELPER_DIR=" + dir.path().string(),
                                       "MP_EXIT_HELPER_METHOD=" + GetParam()};
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (auto& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, env.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  bool exited = mp_test::eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(60));
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(mp_test::read_file(dir.file("log")), "joined ");
  int daemon_pid = std::stoi(mp_test::read_file(dir.file("daemon.pid")));
  EXPECT_TRUE(mp_test::eventually([&] { return !alive_not_zombie(daemon_pid); })) << "daemon outlived main";
}

TEST(ExitHelper, DISABLED_LeaveChildrenAndReturn) {
  const char* dir = std::getenv("MP_EXIT_HELPER_DIR");
  const char* method = std::getenv("MP_EXIT_HELPER_METHOD");
  ASSERT_NE(dir, nullptr);
  ASSERT_NE(method, nullptr);
  std::string d = dir;
  static mp::Process daemon(mp::ProcessOptions{.name = {}, .daemon = true, .start_method = method},
                            write_pid_and_sleep, d + "/daemon.pid");
  daemon.start();
  static mp::Process worker(mp::ProcessOptions{.name = {}, .daemon = {}, .start_method = method}, sleep_then_append,
                            d + "/log", std::string("joined "));
  worker.start();
  ASSERT_TRUE(mp_test::eventually([&] { return std::filesystem::exists(d + "/daemon.pid"); }));
}

MP_INSTANTIATE_START_METHODS(ExitTest);

}  // namespace
