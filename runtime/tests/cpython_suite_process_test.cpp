// What CPython 3.11's _test_multiprocessing.py asserts about processes and start methods that the
// other process tests do not (docs/cpython-test-coverage.md: _TestProcess, _TestSubclassingProcess,
// _TestPollEintr, TestForkAwareThreadLock, TestCloseFds, TestStartMethod). Written from reading
// CPython's tests, under the three start methods.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "mp/detail/lifecycle.hpp"
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonProcessTest : public StartMethodTest {
 protected:
  mp::ProcessOptions method_only() const { return mp::ProcessOptions{.start_method = GetParam()}; }
};

void noop() {}
void sleep_forever() { mp_test::sleep_until_killed(); }
void sleep_for_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
int current_tid() { return static_cast<int>(::syscall(SYS_gettid)); }
bool listed(mp::Process& p) {
  auto children = mp::active_children();
  return std::find(children.begin(), children.end(), &p) != children.end();
}

// test_current: the main process's view of itself.
TEST(CpythonProcess, MainProcessSeesItselfAliveNotDaemonWithAnAuthkey) {
  mp::Process& current = mp::current_process();
  EXPECT_EQ(current.name(), "MainProcess");
  EXPECT_TRUE(current.is_alive());
  EXPECT_FALSE(current.daemon());
  EXPECT_FALSE(current.authkey().empty());
  EXPECT_EQ(current.ident(), static_cast<int>(::getpid()));
  EXPECT_FALSE(current.exitcode().has_value());
  EXPECT_EQ(mp::parent_process(), nullptr);
  EXPECT_GE(mp::cpu_count(), 1);  // test_cpu_count
}

// test_daemon_argument: an unset daemon flag is the creating process's own.
void report_default_daemon(mp::Connection out) {
  mp::Process inner(noop);
  out.send(inner.daemon());
}

TEST_P(CpythonProcessTest, DaemonDefaultsToTheCreatingProcesssFlag) {
  EXPECT_FALSE(mp::Process(options(), noop).daemon());
  EXPECT_TRUE(mp::Process(options({}, true), noop).daemon());
  EXPECT_FALSE(mp::Process(options({}, false), noop).daemon());
  auto [reader, writer] = mp::Pipe(false);
  mp::Process daemonic(options({}, true), report_default_daemon, writer);
  daemonic.start();
  ASSERT_TRUE(reader.poll(60s));
  EXPECT_TRUE(reader.recv<bool>());  // a daemon's new Process is a daemon too
  ASSERT_TRUE(join_within(daemonic, 60s));
  EXPECT_EQ(daemonic.exitcode(), 0);
}

// test_process: the object before start, while running (listed by active_children) and after.
void report_self(mp::Connection out, mp::Event may_exit, int a, std::string b) {
  mp::Process& self = mp::current_process();
  out.send(std::make_tuple(a, b, self.name(), self.authkey(), *self.pid(), current_tid()));
  may_exit.wait(60s);
}

TEST_P(CpythonProcessTest, ProcessBeforeDuringAndAfterItsRun) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Event may_exit;
  mp::Process p(options("SomeProcess", true), report_self, writer, may_exit, 1, std::string("bye"));
  EXPECT_EQ(p.authkey(), mp::current_process().authkey());
  EXPECT_FALSE(p.is_alive());
  EXPECT_TRUE(p.daemon());
  EXPECT_FALSE(listed(p));
  EXPECT_FALSE(p.exitcode().has_value());
  p.start();
  EXPECT_FALSE(p.exitcode().has_value());
  EXPECT_TRUE(p.is_alive());
  EXPECT_TRUE(listed(p));
  ASSERT_TRUE(reader.poll(60s));
  auto [a, b, name, authkey, pid, tid] = reader.recv<std::tuple<int, std::string, std::string, std::string, int, int>>();
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "bye");
  EXPECT_EQ(name, "SomeProcess");
  EXPECT_EQ(authkey, mp::current_process().authkey());
  EXPECT_EQ(pid, p.pid());
  EXPECT_NE(tid, current_tid());  // test_process_mainthread_native_id
  may_exit.set();
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_FALSE(p.is_alive());
  EXPECT_FALSE(listed(p));
}

// test_parent_process: a grandchild sees its parent alive, then, after the parent is terminated,
// sees it dead through parent_process().join(timeout) and is_alive().
void report_parent_status(mp::Connection out) {
  mp::Process* parent = mp::parent_process();
  out.send(std::string(parent != nullptr && parent->is_alive() ? "alive" : "not alive"));
  if (parent != nullptr) parent->join(60s);
  out.send(std::string(parent != nullptr && parent->is_alive() ? "alive" : "not alive"));
}

void start_grandchild_and_sleep(mp::Connection out, std::string method) {
  mp::Process grandchild(mp::ProcessOptions{.start_method = method}, report_parent_status, out);
  grandchild.start();
  sleep_forever();
}

TEST_P(CpythonProcessTest, GrandchildSeesItsParentDie) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process child(options(), start_grandchild_and_sleep, writer, GetParam());
  child.start();
  ASSERT_TRUE(reader.poll(60s));
  EXPECT_EQ(reader.recv<std::string>(), "alive");
  child.terminate();
  ASSERT_TRUE(join_within(child, 60s));
  ASSERT_TRUE(reader.poll(60s));
  EXPECT_EQ(reader.recv<std::string>(), "not alive");
}

// test_recursion: children start children; the messages come depth first.
void recurse(mp::Connection out, std::vector<int> id, std::string method) {
  out.send(id);
  if (id.size() >= 2) return;
  for (int i = 0; i < 2; ++i) {
    std::vector<int> next = id;
    next.push_back(i);
    mp::Process p(mp::ProcessOptions{.start_method = method}, recurse, out, next, method);
    p.start();
    p.join();
  }
}

TEST_P(CpythonProcessTest, RecursiveChildrenReportDepthFirst) {
  auto [reader, writer] = mp::Pipe(false);
  recurse(writer, {}, GetParam());
  std::vector<std::vector<int>> result;
  while (reader.poll(0s)) result.push_back(reader.recv<std::vector<int>>());
  EXPECT_EQ(result, (std::vector<std::vector<int>>{{}, {0}, {0, 0}, {0, 1}, {1}, {1, 0}, {1, 1}}));
}

// test_many_processes: children terminated right after start() end by SIGTERM, whatever stage of
// their start they were in.
TEST_P(CpythonProcessTest, ChildrenTerminatedRightAfterStartEndBySigterm) {
  const int n = GetParam() == "spawn" ? 5 : 20;
  std::vector<std::unique_ptr<mp::Process>> procs;
  for (int i = 0; i < n; ++i) procs.push_back(std::make_unique<mp::Process>(options(), sleep_forever));
  for (auto& p : procs) p->start();
  for (auto& p : procs) p->terminate();
  for (auto& p : procs) {
    ASSERT_TRUE(join_within(*p, 60s));
    EXPECT_EQ(p->exitcode(), -SIGTERM);
  }
}

// test_child_fd_inflation: under spawn and forkserver a child's descriptor count does not grow
// with the number of children already running.
void report_fd_count(mp::Queue<int> counts, mp::Event done) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  counts.put(n);
  done.wait(60s);
}

TEST_P(CpythonProcessTest, ChildDescriptorCountDoesNotGrowWithRunningChildren) {
  if (forked()) GTEST_SKIP() << "fork inherits every descriptor by design (CPython skips it too)";
  mp::Event done;
  mp::Queue<int> counts;
  std::vector<std::unique_ptr<mp::Process>> procs;
  for (int i = 0; i < 5; ++i) procs.push_back(std::make_unique<mp::Process>(options(), report_fd_count, counts, done));
  for (auto& p : procs) p->start();
  std::set<int> seen;
  for (int i = 0; i < 5; ++i) seen.insert(counts.get(true, 60s));
  done.set();
  for (auto& p : procs) EXPECT_TRUE(join_within(*p, 60s));
  EXPECT_EQ(seen.size(), 1u) << "descriptor counts differ between children";
}

// test_error_on_stdio_flush_2: a child whose standard stream is closed under buffered output
// still exits 0 (the failed flush at exit is ignored).
void close_stream_with_output_pending(int fd, mp::Event reached) {
  if (fd == 2) std::setvbuf(stderr, nullptr, _IOFBF, BUFSIZ);
  std::fputs("pending", fd == 1 ? stdout : stderr);
  if (fd == 1) std::cout << "pending";
  ::close(fd);
  reached.set();
}

TEST_P(CpythonProcessTest, ChildWithAClosedStandardStreamExitsZero) {
  for (int fd : {1, 2}) {
    mp::Event reached;
    mp::Process p(options(), close_stream_with_output_pending, fd, reached);
    p.start();
    ASSERT_TRUE(join_within(p, 60s));
    EXPECT_TRUE(reached.is_set());
    EXPECT_EQ(p.exitcode(), 0) << "descriptor " << fd;
  }
}

// _TestSubclassingProcess.test_subclassing: a Process subclass whose members are the two ends of
// a Pipe serves requests from its parent.
struct UpperCaser : mp::ProcessSubclass<UpperCaser> {
  mp::Connection child_conn;
  mp::Connection parent_conn;
  UpperCaser() = default;
  explicit UpperCaser(std::string method) : ProcessSubclass(mp::ProcessOptions{.daemon = true, .start_method = method}) {
    std::tie(child_conn, parent_conn) = mp::Pipe();
  }
  void run() override {
    parent_conn.close();
    for (;;) {
      auto text = child_conn.recv<std::optional<std::string>>();
      if (!text) break;
      std::transform(text->begin(), text->end(), text->begin(), [](unsigned char c) { return std::toupper(c); });
      child_conn.send(*text);
    }
    child_conn.close();
  }
  std::string submit(const std::string& text) {
    parent_conn.send(std::optional<std::string>(text));
    return parent_conn.recv<std::string>();
  }
  void stop() {
    parent_conn.send(std::optional<std::string>());
    parent_conn.close();
    child_conn.close();
  }
  template <class Archive>
  void serialize(Archive& archive) {
    archive(child_conn, parent_conn);
  }
};

TEST_P(CpythonProcessTest, SubclassWithPipeMembersServesItsParent) {
  UpperCaser uppercaser(GetParam());
  EXPECT_EQ(uppercaser.name().rfind("UpperCaser-", 0), 0u) << uppercaser.name();
  uppercaser.start();
  EXPECT_EQ(uppercaser.submit("hello"), "HELLO");
  EXPECT_EQ(uppercaser.submit("world"), "WORLD");
  uppercaser.stop();
  ASSERT_TRUE(join_within(uppercaser, 60s));
  EXPECT_EQ(uppercaser.exitcode(), 0);
}

// _TestPollEintr: a signal whose handler runs while the parent is in join() does not end the join.
std::atomic<bool> got_sigusr1{false};
void record_sigusr1(int) { got_sigusr1 = true; }
void signal_after(int pid, int ms) {
  sleep_for_ms(ms);
  ::kill(pid, SIGUSR1);
}

TEST_P(CpythonProcessTest, JoinGoesOnAfterASignalHandlerRuns) {
  struct sigaction action {}, old {};
  action.sa_handler = record_sigusr1;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: blocking calls see EINTR
  ASSERT_EQ(::sigaction(SIGUSR1, &action, &old), 0);
  got_sigusr1 = false;
  mp::Process killer(options(), signal_after, static_cast<int>(::getpid()), 100);
  killer.start();
  mp::Process sleeper(options(), sleep_for_ms, 2000);
  sleeper.start();
  sleeper.join();
  EXPECT_EQ(sleeper.exitcode(), 0);
  EXPECT_TRUE(join_within(killer, 60s));
  EXPECT_TRUE(got_sigusr1.load());
  ::sigaction(SIGUSR1, &old, nullptr);
}

// TestForkAwareThreadLock: the after-fork registry does not grow over generations of children.
void descend(int generations, mp::Connection out, std::string method) {
  if (generations > 1) {
    mp::Process p(mp::ProcessOptions{.start_method = method}, descend, generations - 1, out, method);
    p.start();
    p.join();
  } else {
    out.send(mp::detail::after_fork_hook_count());
  }
}

TEST_P(CpythonProcessTest, AfterForkHooksDoNotGrowOverGenerations) {
  mp::Queue<int> keeps_a_hook;  // an object with an after-fork hook, alive across the generations
  auto [reader, writer] = mp::Pipe(false);
  const std::size_t before = mp::detail::after_fork_hook_count();
  mp::Process p(options(), descend, 5, writer, GetParam());
  p.start();
  ASSERT_TRUE(reader.poll(60s));
  EXPECT_LE(reader.recv<std::size_t>(), before);
  ASSERT_TRUE(join_within(p, 60s));
}

// TestCloseFds: a descriptor not handed to the child is absent under spawn and forkserver (whether
// or not it is close-on-exec: CPython's spawn closes every other descriptor), present under fork.
void report_descriptor_open(int fd, mp::Connection out) {
  struct stat st {};
  out.send(::fstat(fd, &st) == 0);
}

TEST_P(CpythonProcessTest, DescriptorsNotPassedStayBehindUnlessForked) {
  for (bool cloexec : {true, false}) {
    int sock = ::socket(AF_INET, SOCK_STREAM | (cloexec ? SOCK_CLOEXEC : 0), 0);
    ASSERT_GE(sock, 0);
    int high = ::fcntl(sock, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, 50);  // above a fresh child's
    ::close(sock);
    ASSERT_GE(high, 50);
    auto [reader, writer] = mp::Pipe(false);
    mp::Process p(options(), report_descriptor_open, high, writer);
    p.start();
    ASSERT_TRUE(reader.poll(60s));
    EXPECT_EQ(reader.recv<bool>(), forked()) << (cloexec ? "close-on-exec" : "inheritable") << " descriptor";
    ASSERT_TRUE(join_within(p, 60s));
    ::close(high);
  }
}

// TestStartMethod.check_context: a child's get_start_method() is the method it was started with.
void report_start_method(mp::Connection out) { out.send(mp::get_start_method()); }

TEST_P(CpythonProcessTest, ChildsStartMethodIsItsContexts) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process p = mp::get_context(GetParam()).Process(report_start_method, writer);
  p.start();
  ASSERT_TRUE(reader.poll(60s));
  EXPECT_EQ(reader.recv<std::string>(), GetParam());
  ASSERT_TRUE(join_within(p, 60s));
}

// TestStartMethod.test_nested_startmethod (gh-108520): a child hands its own arguments on to a
// grandchild.
void put_one(mp::Queue<int> q) { q.put(1); }
void put_two_and_nest(mp::Queue<int> q, std::string method) {
  q.put(2);
  mp::Process p(mp::ProcessOptions{.start_method = method}, put_one, q);
  p.start();
  p.join();
}

TEST_P(CpythonProcessTest, ChildPassesItsArgumentsOnToAGrandchild) {
  mp::Queue<int> q;
  mp::Process p(options(), put_two_and_nest, q, GetParam());
  p.start();
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(p.exitcode(), 0);
  std::set<int> results{q.get(true, 60s), q.get(true, 60s)};
  EXPECT_EQ(results, (std::set<int>{1, 2}));
}

MP_INSTANTIATE_START_METHODS(CpythonProcessTest);

}  // namespace
