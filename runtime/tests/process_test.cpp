// mp::Process under each start method: start/join, exit codes, signals, sentinel, names, the
// process tree views, and misuse errors with CPython's messages.
#include <fcntl.h>
#include <poll.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "process_test_support.hpp"

namespace {

using mp_test::StartMethodTest;
using mp_test::TempDir;

class ProcessTest : public StartMethodTest {};

void noop() {}
void exit_with(int code) { mp::exit(code); }
void throw_value_error(std::string stderr_path) {
  int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  throw mp::ValueError("boom");
}
void throw_runtime_error(std::string stderr_path) {
  int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  throw std::runtime_error("plain boom");
}
void sleep_forever() { mp_test::sleep_until_killed(); }

// Exit 0 when this child's view of itself and of its parent is what the parent expects.
void check_identity(std::string expected_name, int expected_parent_pid, std::string expected_authkey) {
  mp::Process& self = mp::current_process();
  mp::Process* parent = mp::parent_process();
  if (self.name() != expected_name) mp::exit(2);
  if (!self.pid() || *self.pid() != static_cast<int>(::getpid())) mp::exit(3);
  if (!self.is_alive()) mp::exit(4);
  if (parent == nullptr || parent->pid() != expected_parent_pid || parent->name() != "MainProcess") mp::exit(5);
  if (!parent->is_alive()) mp::exit(6);
  if (self.authkey() != expected_authkey) mp::exit(7);
  mp::exit(0);
}

// Starts a grandchild and reports its name into `path`.
void start_nested(std::string path) {
  mp::Process inner(noop);
  inner.start();
  inner.join();
  mp_test::write_file(path, inner.name() + " " + std::to_string(*inner.exitcode()));
}

void try_child_from_daemon(std::string path) {
  try {
    mp::Process inner(noop);
    inner.start();
    mp_test::write_file(path, "started");
  } catch (const mp::AssertionError& e) {
    mp_test::write_file(path, e.str());
  }
}

TEST_P(ProcessTest, StartJoinGivesExitCodeZero) {
  mp::Process p(options(), noop);
  EXPECT_FALSE(p.pid().has_value());
  EXPECT_FALSE(p.exitcode().has_value());
  EXPECT_FALSE(p.is_alive());
  p.start();
  ASSERT_TRUE(p.pid().has_value());
  EXPECT_GT(*p.pid(), 0);
  EXPECT_NE(*p.pid(), static_cast<int>(::getpid()));
  mp_test::join_bounded(p);
  EXPECT_FALSE(p.is_alive());
  EXPECT_EQ(p.exitcode(), 0);
}

TEST_P(ProcessTest, MpExitCodeBecomesExitCode) {
  mp::Process p(options(), exit_with, 7);
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 7);
}

TEST_P(ProcessTest, UncaughtMpErrorExitsOneWithTraceback) {
  TempDir dir;
  mp::Process p(options(), throw_value_error, dir.file("stderr"));
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 1);
  std::string text = mp_test::read_file(dir.file("stderr"));
  EXPECT_EQ(text.rfind("Process " + p.name() + ":\nTraceback (most recent call last):\n", 0), 0u) << text;
  EXPECT_TRUE(text.ends_with("\nValueError: boom\n")) << text;
}

TEST_P(ProcessTest, UncaughtStdExceptionNamesItsType) {
  TempDir dir;
  mp::Process p(options(), throw_runtime_error, dir.file("stderr"));
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 1);
  std::string text = mp_test::read_file(dir.file("stderr"));
  EXPECT_EQ(text.rfind("Process " + p.name() + ":\n", 0), 0u) << text;
  EXPECT_TRUE(text.ends_with("\nstd::runtime_error: plain boom\n")) << text;
}

TEST_P(ProcessTest, TerminateGivesMinusSigterm) {
  mp::Process p(options(), sleep_forever);
  p.start();
  EXPECT_TRUE(p.is_alive());
  EXPECT_FALSE(p.exitcode().has_value());
  p.terminate();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), -SIGTERM);
}

TEST_P(ProcessTest, KillGivesMinusSigkill) {
  mp::Process p(options(), sleep_forever);
  p.start();
  p.kill();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), -SIGKILL);
}

TEST_P(ProcessTest, JoinWithTimeoutReturnsWhileRunning) {
  mp::Process p(options(), sleep_forever);
  p.start();
  p.join(std::chrono::milliseconds(50));
  EXPECT_TRUE(p.is_alive());
  EXPECT_FALSE(p.exitcode().has_value());
  p.kill();
  mp_test::join_bounded(p);
}

// CPython's popen wait treats a negative timeout as 0: join(-1 s) only looks. A join that wrongly
// waits for the exit is ended by the watchdog killing the child, which the is_alive check reports.
TEST_P(ProcessTest, JoinWithNegativeTimeoutOnlyLooks) {
  mp::Process p(options(), sleep_forever);
  p.start();
  std::mutex mutex;
  std::condition_variable joined_cv;
  bool joined = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (!joined_cv.wait_for(lock, std::chrono::seconds(30), [&] { return joined; })) p.kill();
  });
  p.join(std::chrono::seconds(-1));
  {
    std::lock_guard lock(mutex);
    joined = true;
  }
  joined_cv.notify_one();
  watchdog.join();
  EXPECT_TRUE(p.is_alive());
  EXPECT_FALSE(p.exitcode().has_value());
  p.kill();
  mp_test::join_bounded(p);
}

TEST_P(ProcessTest, SentinelBecomesReadableAtExit) {
  mp::Process p(options(), sleep_forever);
  p.start();
  pollfd pfd{p.sentinel(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 0);
  p.terminate();
  pfd.revents = 0;
  EXPECT_EQ(::poll(&pfd, 1, 60000), 1);
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), -SIGTERM);
}

TEST_P(ProcessTest, ChildSeesItsNamePidParentAndAuthkey) {
  mp::Process p(options("checked"), check_identity, std::string("checked"), static_cast<int>(::getpid()),
                mp::current_process().authkey());
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
}

TEST_P(ProcessTest, DefaultNamesCountAndNest) {
  mp::Process a(options(), noop);
  mp::Process b(options(), noop);
  std::smatch m;
  std::string name_a = a.name();
  ASSERT_TRUE(std::regex_match(name_a, m, std::regex("Process-([0-9]+)"))) << name_a;
  EXPECT_EQ(b.name(), "Process-" + std::to_string(std::stoi(m[1]) + 1));
  TempDir dir;
  mp::Process outer(options(), start_nested, dir.file("inner"));
  outer.start();
  mp_test::join_bounded(outer);
  EXPECT_EQ(outer.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("inner")), outer.name() + ":1 0");
}

TEST_P(ProcessTest, ContextProcessIsNamedAfterItsContextClass) {
  const mp::Context& ctx = mp::get_context(GetParam());
  mp::Process p = ctx.Process(noop);
  const char* expected = GetParam() == "fork" ? "ForkProcess-" : GetParam() == "spawn" ? "SpawnProcess-" : "ForkServerProcess-";
  EXPECT_EQ(p.name().rfind(expected, 0), 0u) << p.name();
  EXPECT_EQ(p.start_method(), GetParam());
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
}

TEST_P(ProcessTest, DaemonCannotHaveChildren) {
  TempDir dir;
  mp::Process p(options({}, true), try_child_from_daemon, dir.file("result"));
  EXPECT_TRUE(p.daemon());
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("result")),
            "AssertionError: daemonic processes are not allowed to have children");
}

TEST_P(ProcessTest, ActiveChildrenListsRunningAndReapsFinished) {
  mp::Process running(options(), sleep_forever);
  mp::Process quick(options(), noop);
  running.start();
  quick.start();
  auto listed = [](mp::Process& p) {
    auto kids = mp::active_children();
    return std::find(kids.begin(), kids.end(), &p) != kids.end();
  };
  EXPECT_TRUE(listed(running));
  EXPECT_TRUE(mp_test::eventually([&] { return !listed(quick); }));
  EXPECT_EQ(quick.exitcode(), 0);  // reaped by active_children(), code kept
  running.kill();
  mp_test::join_bounded(running);
  EXPECT_FALSE(listed(running));
}

TEST_P(ProcessTest, MisuseRaisesCPythonErrors) {
  mp::Process p(options(), sleep_forever);
  try {
    p.join();
    ADD_FAILURE() << "join before start";
  } catch (const mp::AssertionError& e) {
    EXPECT_EQ(e.str(), "AssertionError: can only join a started process");
  }
  try {
    (void)p.sentinel();
    ADD_FAILURE() << "sentinel before start";
  } catch (const mp::ValueError& e) {
    EXPECT_EQ(e.str(), "ValueError: process not started");
  }
  p.start();
  try {
    p.start();
    ADD_FAILURE() << "second start";
  } catch (const mp::AssertionError& e) {
    EXPECT_EQ(e.str(), "AssertionError: cannot start a process twice");
  }
  try {
    p.set_daemon(true);
    ADD_FAILURE() << "daemon after start";
  } catch (const mp::AssertionError& e) {
    EXPECT_EQ(e.str(), "AssertionError: process has already started");
  }
  try {
    p.close();
    ADD_FAILURE() << "close while running";
  } catch (const mp::ValueError& e) {
    EXPECT_EQ(e.str(),
              "ValueError: Cannot close a process while it is still running. You should first call join() or "
              "terminate().");
  }
  p.kill();
  mp_test::join_bounded(p);
  p.close();
  p.close();  // idempotent, as in CPython
  for (auto use : {+[](mp::Process& q) { q.join(); }, +[](mp::Process& q) { (void)q.is_alive(); },
                   +[](mp::Process& q) { (void)q.exitcode(); }, +[](mp::Process& q) { (void)q.pid(); },
                   +[](mp::Process& q) { q.start(); }, +[](mp::Process& q) { q.terminate(); }}) {
    try {
      use(p);
      ADD_FAILURE() << "use after close";
    } catch (const mp::ValueError& e) {
      EXPECT_EQ(e.str(), "ValueError: process object is closed");
    }
  }
}

TEST_P(ProcessTest, UnknownStartMethodIsRefused) {
  try {
    mp::Process p(mp::ProcessOptions{.name = {}, .daemon = {}, .start_method = "threads"}, noop);
    ADD_FAILURE() << "accepted an unknown start method";
  } catch (const mp::ValueError& e) {
    EXPECT_EQ(e.str(), "ValueError: cannot find context for 'threads'");
  }
}

// The default context is the default start method's (what every Pool without a context uses).
// Run under AddressSanitizer (scripts/test --sanitize address), this also checks that the name
// compared is still alive: it once was a destroyed temporary.
TEST(ContextTest, DefaultContextIsTheStartMethods) {
  const std::string method = mp::get_start_method();
  EXPECT_EQ(mp::get_context().get_start_method(), method);
  EXPECT_EQ(&mp::get_context(), &mp::get_context(method));
}

TEST_P(ProcessTest, ChildOutputIsFlushedBeforeExit) {
  TempDir dir;
  // The child's stdout is redirected to a file; printf without newline must still arrive.
  mp::Process p(options(), +[](std::string path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::fflush(stdout);
    ::dup2(fd, 1);
    std::printf("c-stdio");
    std::cout << " iostream";
  }, dir.file("out"));
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("out")), "c-stdio iostream");
}

TEST_P(ProcessTest, ManyChildrenAllReapedWithTheirCodes) {
  std::vector<std::unique_ptr<mp::Process>> procs;
  for (int i = 0; i < 12; ++i) procs.push_back(std::make_unique<mp::Process>(options(), exit_with, i));
  for (auto& p : procs) p->start();
  for (int i = 0; i < 12; ++i) {
    mp_test::join_bounded(*procs[i]);
    EXPECT_EQ(procs[i]->exitcode(), i);
  }
  EXPECT_TRUE(mp::active_children().empty());
}

TEST_P(ProcessTest, ThreadsStartingChildrenConcurrently) {
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<int> codes(kThreads * kEach, -1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int code = t * kEach + i;
        mp::Process p(options(), exit_with, code);
        p.start();
        p.join(std::chrono::seconds(60));
        if (p.is_alive()) {
          p.kill();
          p.join();
        }
        codes[code] = p.exitcode().value_or(-1000);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int code = 0; code < kThreads * kEach; ++code) EXPECT_EQ(codes[code], code);
  EXPECT_TRUE(mp::active_children().empty());
}

MP_INSTANTIATE_START_METHODS(ProcessTest);

}  // namespace
