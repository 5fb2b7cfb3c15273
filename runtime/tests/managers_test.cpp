// mp::Manager under each start method: the server process (name, socket, lifetime, exit with its
// owner), proxies of every type used from other processes (Process arguments, pool tasks, queue
// items), errors re-raised with their Python type and message, a thread per connection, and that
// nothing (process, socket, directory) outlives a manager. Every wait is bounded; racy properties
// are checked as invariants over many operations, never with sleeps.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "mp/mp.hpp"
#include "process_test_support.hpp"

namespace {

using mp_test::error_text;
using mp_test::join_within;
using mp_test::StartMethodTest;
using namespace std::chrono_literals;

class ManagerTest : public StartMethodTest {
 protected:
  mp::ManagerOptions manager_options() const { return {.start_method = GetParam()}; }
  std::unique_ptr<mp::Process> start(auto fn, auto... args) {
    auto process = std::make_unique<mp::Process>(options(), fn, args...);
    process->start();
    return process;
  }
  void join_ok(mp::Process& process) {
    ASSERT_TRUE(join_within(process, 60s)) << process.name() << " did not finish";
    EXPECT_EQ(process.exitcode(), 0) << process.name();
  }
};

std::string directory_of(const std::string& path) { return std::filesystem::path(path).parent_path().string(); }

int thread_count(int pid) {
  std::error_code ec;
  int count = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) ++count;
  return count;
}

// A process is gone once it no longer exists or is a zombie nobody reaped yet.
bool process_gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] == 'Z';
}

// ---- child targets (free functions: they travel by identity) -----------------------------------

void set_key(mp::DictProxy<std::string, int> d, std::string key, int value) { d.set(key, value); }

void add_under_lock(mp::ValueProxy<int> counter, mp::AcquirerProxy lock, int times) {
  for (int i = 0; i < times; ++i) {
    std::lock_guard guard(lock);
    counter.set(counter.get() + 1);
  }
}

int append_square(mp::ListProxy<int> l, int x) {
  l.append(x * x);
  return x;
}

void put_range(mp::QueueProxy<int> q, int from, int to) {
  for (int i = from; i < to; ++i) q.put(i);
}

int put_one(mp::QueueProxy<int> q, int x) {
  q.put(x);
  return x;
}

void get_then_put(mp::QueueProxy<int> in, mp::QueueProxy<int> out) { out.put(in.get() * 10); }

void hold_lock_until_event(mp::AcquirerProxy lock, mp::EventProxy held, mp::EventProxy release) {
  lock.acquire();
  held.set();
  release.wait(60s);
  lock.release();
}

void release_lock(mp::AcquirerProxy lock) { lock.release(); }

// Owns a manager, reports its server's pid and address, then waits to be killed.
void own_manager(std::string method, mp::Connection report) {
  mp::Manager manager(mp::ManagerOptions{.start_method = method});
  report.send(std::pair<int, std::string>(*manager.process().pid(), manager.address()));
  mp_test::sleep_until_killed();
}

void wait_on_barrier(mp::BarrierProxy barrier, mp::QueueProxy<int> indexes) { indexes.put(barrier.wait(60s)); }

void notify_when_ready(mp::ConditionProxy condition, mp::ValueProxy<int> ready) {
  std::lock_guard guard(condition);
  ready.set(1);
  condition.notify();
}

// ---- the server ----------------------------------------------------------------------------------

TEST_P(ManagerTest, ServerIsANamedChildListeningInAPrivateDirectory) {
  mp::Manager manager(manager_options());
  mp::Process& server = manager.process();
  EXPECT_TRUE(server.name().starts_with("SyncManager-")) << server.name();
  EXPECT_FALSE(server.daemon());
  EXPECT_TRUE(server.is_alive());
  EXPECT_NE(*server.pid(), ::getpid());
  // The server took a number from the Process counter, as CPython's does.
  const int number = std::stoi(server.name().substr(server.name().find('-') + 1));
  mp::Process next(options(), [] {});
  EXPECT_EQ(next.name(), "Process-" + std::to_string(number + 1));

  const std::string dir = directory_of(manager.address());
  EXPECT_TRUE(dir.starts_with("/tmp/pymp-")) << manager.address();
  struct stat info {};
  ASSERT_EQ(::stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(manager.address().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));

  manager.shutdown();
  EXPECT_EQ(server.exitcode(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_P(ManagerTest, ContextManagerUsesTheContextsStartMethod) {
  mp::Manager manager = mp::get_context(GetParam()).Manager();
  EXPECT_EQ(manager.process().start_method(), GetParam());
  auto v = manager.Value<int>(1);
  EXPECT_EQ(v.get(), 1);
}

TEST_P(ManagerTest, DestructorShutsTheServerDown) {
  int pid = 0;
  std::string dir;
  {
    mp::Manager manager(manager_options());
    pid = *manager.process().pid();
    dir = directory_of(manager.address());
    manager.dict<int, int>().set(1, 1);
  }
  EXPECT_TRUE(process_gone(pid));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_P(ManagerTest, ServerExitsWhenItsOwnerIsKilled) {
  auto [reader, writer] = mp::Pipe(false);
  auto owner = start(own_manager, GetParam(), writer);
  ASSERT_TRUE(reader.poll(60s));
  auto [server_pid, address] = reader.recv<std::pair<int, std::string>>();
  EXPECT_FALSE(process_gone(server_pid));
  owner->kill();
  owner->join();
  EXPECT_TRUE(mp_test::eventually([&] { return process_gone(server_pid); }, 10s))
      << "server " << server_pid << " outlived its SIGKILLed owner";
  EXPECT_TRUE(mp_test::eventually([&] { return !std::filesystem::exists(directory_of(address)); }, 10s));
  if (!process_gone(server_pid)) ::kill(server_pid, SIGKILL);
  std::error_code ignored;
  std::filesystem::remove_all(directory_of(address), ignored);
}

TEST_P(ManagerTest, SigtermEndsTheServerCleanly) {
  mp::Manager manager(manager_options());
  const std::string dir = directory_of(manager.address());
  manager.process().terminate();
  manager.process().join(60s);
  EXPECT_EQ(manager.process().exitcode(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_P(ManagerTest, ShutdownRemovesWhatAKilledServerLeft) {
  mp::Manager manager(manager_options());
  const std::string dir = directory_of(manager.address());
  manager.process().kill();
  manager.process().join(60s);
  EXPECT_TRUE(std::filesystem::exists(dir));
  manager.shutdown();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_P(ManagerTest, OnlyTheOwnerShutsTheServerDown) {
  if (!forked()) GTEST_SKIP() << "a Manager object reaches a child only by fork";
  mp::Manager manager(manager_options());
  auto d = manager.dict<int, int>();
  mp::Process child(options(), [&manager, d] {
    manager.shutdown();  // the forked copy: not the owner
    d.set(1, 1);
  });
  child.start();
  join_ok(child);
  EXPECT_TRUE(manager.process().is_alive());
  EXPECT_EQ(d[1], 1);
}

TEST_P(ManagerTest, ProxiesAfterShutdownRaiseWhatCPythonRaises) {
  mp::Manager manager(manager_options());
  auto d = manager.dict<std::string, int>();
  d.set("a", 1);
  manager.shutdown();
  EXPECT_EQ(error_text([&] { d["a"]; }), "BrokenPipeError: [Errno 32] Broken pipe");
  std::string on_new_thread;
  std::thread([&] { on_new_thread = error_text([&] { d["a"]; }); }).join();
  EXPECT_EQ(on_new_thread, "FileNotFoundError: [Errno 2] No such file or directory");
  EXPECT_EQ(error_text([&] { manager.dict<int, int>(); }), "AssertionError: server not yet started");
}

// ---- proxies shared by processes ------------------------------------------------------------------

TEST_P(ManagerTest, DictSetByFourProcessesHoldsAllFourKeys) {
  mp::Manager manager(manager_options());
  auto d = manager.dict<std::string, int>();
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < 4; ++i) children.push_back(start(set_key, d, "k" + std::to_string(i), i));
  for (auto& child : children) join_ok(*child);
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(d.copy(), (std::map<std::string, int>{{"k0", 0}, {"k1", 1}, {"k2", 2}, {"k3", 3}}));
}

TEST_P(ManagerTest, LockProtectedCounterReachesExactlyNTimesIncrements) {
  mp::Manager manager(manager_options());
  auto counter = manager.Value<int>(0);
  auto lock = manager.Lock();
  constexpr int kProcesses = 4, kTimes = 250;
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kProcesses; ++i) children.push_back(start(add_under_lock, counter, lock, kTimes));
  for (auto& child : children) join_ok(*child);
  EXPECT_EQ(counter.value(), kProcesses * kTimes);
}

TEST_P(ManagerTest, ListAppendedByPoolWorkers) {
  mp::Manager manager(manager_options());
  auto l = manager.list<int>();
  mp::Pool pool(mp::PoolOptions{.processes = 2, .context = GetParam()});
  std::vector<std::tuple<mp::ListProxy<int>, int>> tasks;
  for (int i = 0; i < 10; ++i) tasks.emplace_back(l, i);
  EXPECT_EQ(pool.starmap(append_square, tasks), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  std::vector<int> squares = l.list();
  std::sort(squares.begin(), squares.end());
  EXPECT_EQ(squares, (std::vector<int>{0, 1, 4, 9, 16, 25, 36, 49, 64, 81}));
}

TEST_P(ManagerTest, QueuePassedToPoolStarmapDeliversEveryItemOnce) {
  mp::Manager manager(manager_options());
  auto q = manager.Queue<int>();
  mp::Pool pool(mp::PoolOptions{.processes = 3, .context = GetParam()});
  std::vector<std::tuple<mp::QueueProxy<int>, int>> tasks;
  for (int i = 0; i < 50; ++i) tasks.emplace_back(q, i);
  pool.starmap(put_one, tasks);
  std::multiset<int> got;
  for (int i = 0; i < 50; ++i) got.insert(q.get(true, 10s));
  EXPECT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(got.count(i), 1u) << i;
  EXPECT_TRUE(q.empty());
}

TEST_P(ManagerTest, QueueFedByProcessesWhileTheParentBlocksInGet) {
  mp::Manager manager(manager_options());
  auto q = manager.Queue<int>(8);  // bounded: producers block in the server too
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < 3; ++i) children.push_back(start(put_range, q, i * 100, i * 100 + 100));
  std::set<int> got;
  for (int i = 0; i < 300; ++i) got.insert(q.get(true, 60s));
  for (auto& child : children) join_ok(*child);
  EXPECT_EQ(got.size(), 300u);
  EXPECT_EQ(*got.begin(), 0);
  EXPECT_EQ(*got.rbegin(), 299);
}

TEST_P(ManagerTest, EachConnectionIsServedOnItsOwnThread) {
  // A child blocks in the server (get on an empty queue); the parent's calls are still answered,
  // and its put wakes the child.
  mp::Manager manager(manager_options());
  auto in = manager.Queue<int>();
  auto out = manager.Queue<int>();
  auto child = start(get_then_put, in, out);
  auto d = manager.dict<int, int>();
  for (int i = 0; i < 100; ++i) d.set(i, i);
  EXPECT_EQ(d.size(), 100u);
  in.put(7);
  EXPECT_EQ(out.get(true, 60s), 70);
  join_ok(*child);
}

TEST_P(ManagerTest, ServerRunsOneThreadPerConnectionUntilTheConnectionCloses) {
  mp::Manager manager(manager_options());
  auto q = manager.Queue<int>();
  q.qsize();  // this thread's connection (and its server thread) exist from here
  const int server = *manager.process().pid();
  const int baseline = thread_count(server);
  std::vector<std::thread> getters;
  for (int i = 0; i < 5; ++i) getters.emplace_back([q] { q.get(true, 60s); });
  // Each client thread is blocked in get() on a server thread of its own.
  EXPECT_TRUE(mp_test::eventually([&] { return thread_count(server) == baseline + 5; }, 20s))
      << thread_count(server) << " threads, expected " << baseline + 5;
  for (int i = 0; i < 5; ++i) q.put(i);
  for (auto& getter : getters) getter.join();
  // A thread's connection closes when the thread ends; its server thread ends with it.
  EXPECT_TRUE(mp_test::eventually([&] { return thread_count(server) == baseline; }, 20s))
      << thread_count(server) << " threads, expected " << baseline;
}

TEST_P(ManagerTest, ProxiesTravelAsQueueItemsAndPoolResults) {
  mp::Manager manager(manager_options());
  auto carrier = manager.Queue<mp::DictProxy<std::string, int>>();
  auto d = manager.dict<std::string, int>();
  carrier.put(d);
  auto received = carrier.get();
  EXPECT_EQ(received, d);
  auto child = start(set_key, received, std::string("via-queue"), 5);
  join_ok(*child);
  EXPECT_EQ(d["via-queue"], 5);
}

TEST_P(ManagerTest, ForkedChildrenOpenTheirOwnConnections) {
  // The parent's thread has a connection before the children start; parent and children then
  // call at once. Shared sockets would interleave requests and replies.
  mp::Manager manager(manager_options());
  auto d = manager.dict<std::string, int>();
  d.set("parent", 0);
  std::vector<std::unique_ptr<mp::Process>> children;
  auto lock = manager.Lock();
  auto counter = manager.Value<int>(0);
  for (int i = 0; i < 2; ++i) children.push_back(start(add_under_lock, counter, lock, 200));
  for (int i = 0; i < 400; ++i) d.set("parent", d["parent"] + 1);
  for (auto& child : children) join_ok(*child);
  EXPECT_EQ(d["parent"], 400);
  EXPECT_EQ(counter.get(), 400);
}

// ---- errors ----------------------------------------------------------------------------------------

TEST_P(ManagerTest, ServerErrorsReRaiseWithTheirPythonTypeAndMessage) {
  mp::Manager manager(manager_options());
  auto d = manager.dict<std::string, int>();
  EXPECT_EQ(error_text([&] { d["missing"]; }), "KeyError: 'missing'");
  EXPECT_THROW(d.pop("missing"), mp::KeyError);
  EXPECT_EQ(d.get("missing"), std::nullopt);
  EXPECT_EQ(d.get("missing", 3), 3);
  EXPECT_EQ(error_text([&] { d.popitem(); }), "KeyError: 'popitem(): dictionary is empty'");
  auto numbers = manager.dict<int, int>();
  EXPECT_EQ(error_text([&] { numbers[5]; }), "KeyError: 5");

  auto l = manager.list<int>({1, 2});
  EXPECT_EQ(error_text([&] { l[5]; }), "IndexError: list index out of range");
  EXPECT_THROW(l.get(-3), mp::IndexError);
  EXPECT_EQ(l[-1], 2);
  EXPECT_EQ(error_text([&] { l.pop(7); }), "IndexError: pop index out of range");
  EXPECT_EQ(error_text([&] { l.index(9); }), "ValueError: 9 is not in list");
  EXPECT_EQ(error_text([&] { manager.list<std::string>().pop(); }), "IndexError: pop from empty list");
  EXPECT_EQ(error_text([&] { manager.list<std::string>({"a"}).index("it's"); }),
            "ValueError: \"it's\" is not in list");

  auto q = manager.Queue<int>(1);
  EXPECT_THROW(q.get_nowait(), mp::Empty);
  EXPECT_THROW(q.get(true, 10ms), mp::Empty);
  q.put(1);
  EXPECT_THROW(q.put(2, true, 10ms), mp::Full);
  EXPECT_EQ(error_text([&] { q.put_nowait(2); }), "Full");
  EXPECT_EQ(error_text([&] { q.get(true, -1s); }), "ValueError: 'timeout' must be a non-negative number");
  EXPECT_EQ(error_text([&] { manager.JoinableQueue<int>().task_done(); }),
            "ValueError: task_done() called too many times");

  auto a = manager.Array<int>({1, 2, 3});
  EXPECT_EQ(error_text([&] { a[5]; }), "IndexError: array index out of range");
  EXPECT_EQ(error_text([&] { a.set(-4, 0); }), "IndexError: array assignment index out of range");
  EXPECT_EQ(error_text([&] { l.set(2, 0); }), "IndexError: list assignment index out of range");
  EXPECT_EQ(error_text([&] { l.remove(7); }), "ValueError: list.remove(x): x not in list");
}

TEST_P(ManagerTest, SynchronizationErrorsAreThreadingOnes) {
  mp::Manager manager(manager_options());
  EXPECT_EQ(error_text([&] { manager.Lock().release(); }), "RuntimeError: release unlocked lock");
  EXPECT_EQ(error_text([&] { manager.RLock().release(); }), "RuntimeError: cannot release un-acquired lock");
  EXPECT_EQ(error_text([&] { manager.BoundedSemaphore(1).release(); }),
            "ValueError: Semaphore released too many times");
  EXPECT_EQ(error_text([&] { manager.Semaphore(-1); }), "ValueError: semaphore initial value must be >= 0");
  EXPECT_EQ(error_text([&] { manager.Lock().acquire(false, 1s); }),
            "ValueError: can't specify a timeout for a non-blocking call");
  auto condition = manager.Condition();
  EXPECT_EQ(error_text([&] { condition.wait(); }), "RuntimeError: cannot wait on un-acquired lock");
  EXPECT_EQ(error_text([&] { condition.notify(); }), "RuntimeError: cannot notify on un-acquired lock");
  auto barrier = manager.Barrier(2);
  EXPECT_THROW(barrier.wait(10ms), mp::BrokenBarrierError);
  EXPECT_TRUE(barrier.broken());
}

// ---- synchronization across processes -----------------------------------------------------------

TEST_P(ManagerTest, LockHeldByAnotherProcessBlocksAndAnyProcessMayRelease) {
  mp::Manager manager(manager_options());
  auto lock = manager.Lock();
  auto held = manager.Event();
  auto release = manager.Event();
  auto holder = start(hold_lock_until_event, lock, held, release);
  ASSERT_TRUE(held.wait(60s));
  EXPECT_FALSE(lock.acquire(false));
  EXPECT_FALSE(lock.acquire(true, 20ms));
  release.set();
  join_ok(*holder);
  EXPECT_TRUE(lock.acquire(true, 60s));
  auto releaser = start(release_lock, lock);  // threading.Lock: any thread may release
  join_ok(*releaser);
  EXPECT_TRUE(lock.acquire(false));
}

TEST_P(ManagerTest, RLockBelongsToTheCallingThread) {
  mp::Manager manager(manager_options());
  auto rlock = manager.RLock();
  EXPECT_TRUE(rlock.acquire());
  EXPECT_TRUE(rlock.acquire());  // recursion on the same thread (same connection)
  std::string other;
  std::thread([&] {
    other = error_text([&] { rlock.release(); });
    EXPECT_FALSE(rlock.acquire(false));
  }).join();
  EXPECT_EQ(other, "RuntimeError: cannot release un-acquired lock");
  rlock.release();
  rlock.release();
  EXPECT_EQ(error_text([&] { rlock.release(); }), "RuntimeError: cannot release un-acquired lock");
}

TEST_P(ManagerTest, ConditionWaitForSeesAChildsNotify) {
  mp::Manager manager(manager_options());
  auto condition = manager.Condition();
  auto ready = manager.Value<int>(0);
  std::unique_lock guard(condition);
  auto child = start(notify_when_ready, condition, ready);
  EXPECT_TRUE(condition.wait_for([&] { return ready.get() == 1; }, 60s));
  guard.unlock();
  join_ok(*child);
}

TEST_P(ManagerTest, BarrierReleasesAllPartiesWithDistinctIndexes) {
  mp::Manager manager(manager_options());
  auto barrier = manager.Barrier(3);
  auto indexes = manager.Queue<int>();
  auto a = start(wait_on_barrier, barrier, indexes);
  auto b = start(wait_on_barrier, barrier, indexes);
  indexes.put(barrier.wait(60s));
  join_ok(*a);
  join_ok(*b);
  std::set<int> got;
  for (int i = 0; i < 3; ++i) got.insert(indexes.get(true, 10s));
  EXPECT_EQ(got, (std::set<int>{0, 1, 2}));
  EXPECT_EQ(barrier.parties(), 3);
  EXPECT_EQ(barrier.n_waiting(), 0);
}

TEST_P(ManagerTest, SemaphoreAndEventAndJoinableQueue) {
  mp::Manager manager(manager_options());
  auto semaphore = manager.Semaphore(2);
  EXPECT_TRUE(semaphore.acquire());
  EXPECT_TRUE(semaphore.acquire());
  EXPECT_FALSE(semaphore.acquire(true, 10ms));
  semaphore.release();
  EXPECT_TRUE(semaphore.acquire(false));

  auto event = manager.Event();
  EXPECT_FALSE(event.wait(10ms));
  event.set();
  EXPECT_TRUE(event.is_set());
  EXPECT_TRUE(event.wait());
  event.clear();
  EXPECT_FALSE(event.is_set());

  auto jq = manager.JoinableQueue<int>();
  jq.put(1);
  jq.put(2);
  EXPECT_EQ(jq.qsize(), 2);
  jq.get();
  jq.task_done();
  jq.get();
  jq.task_done();
  jq.join();  // returns at once: every item is done
  EXPECT_TRUE(jq.empty());
}

TEST_P(ManagerTest, ContainersKeepPythonOrderAndValues) {
  mp::Manager manager(manager_options());
  auto d = manager.dict<std::string, int>(std::vector<std::pair<std::string, int>>{{"b", 1}, {"a", 2}});
  d.set("c", 3);
  d.set("b", 4);  // an existing key keeps its place
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(d.values(), (std::vector<int>{4, 2, 3}));
  d.erase("a");
  d.set("a", 5);
  EXPECT_EQ(d.popitem(), (std::pair<std::string, int>("a", 5)));
  EXPECT_TRUE(d.contains("b"));
  EXPECT_EQ(d.setdefault("z", 9), 9);
  d.update(std::map<std::string, int>{{"b", 0}});
  EXPECT_EQ(d.items(), (std::vector<std::pair<std::string, int>>{{"b", 0}, {"c", 3}, {"z", 9}}));
  d.clear();
  EXPECT_EQ(d.size(), 0u);

  auto l = manager.list<int>({3, 1, 2});
  l.extend({1, 5});
  l.insert(0, 9);
  l.set(-1, 6);
  EXPECT_EQ(l.list(), (std::vector<int>{9, 3, 1, 2, 1, 6}));
  EXPECT_EQ(l.count(1), 2u);
  EXPECT_EQ(l.index(2), 3u);
  l.remove(1);
  l.sort();
  EXPECT_EQ(l.list(), (std::vector<int>{1, 2, 3, 6, 9}));
  EXPECT_EQ(l.pop(), 9);
  EXPECT_EQ(l.pop(0), 1);

  auto v = manager.Value<std::string>("x");
  v.set_value("y");
  EXPECT_EQ(v.value(), "y");
  auto a = manager.Array<double>({0.5, 1.5});
  a.set(1, 2.5);
  EXPECT_EQ(a.list(), (std::vector<double>{0.5, 2.5}));
  EXPECT_EQ(a.size(), 2u);
}

MP_INSTANTIATE_START_METHODS(ManagerTest);

}  // namespace
