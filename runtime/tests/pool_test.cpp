// mp::Pool under each start method: result order of map/imap, completion order of imap_unordered,
// maxtasksperchild, timeouts, exception transport, input exceptions, lifecycle errors, worker
// names, a worker killed mid-task, and that nothing outlives the pool.
//
// Ordering is made deterministic with files in a private directory (a task waits for a file the
// test or another task creates), never with sleeps; every wait is bounded.
#include <gmock/gmock.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "mp/pool.hpp"
#include "mp/synchronize.hpp"
#include "process_test_support.hpp"

namespace {

using mp_test::StartMethodTest;
using mp_test::TempDir;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class PoolTest : public StartMethodTest {
 protected:
  mp::PoolOptions options(int processes = 2, std::optional<int> maxtasks = std::nullopt) const {
    return mp::PoolOptions{.processes = processes, .maxtasksperchild = maxtasks, .context = GetParam()};
  }
  std::string worker_prefix() const {
    if (GetParam() == "fork") return "ForkPoolWorker-";
    if (GetParam() == "spawn") return "SpawnPoolWorker-";
    return "ForkServerPoolWorker-";
  }
};

// ---- task functions (free functions: they travel by identity) ---------------------------------

int square(int x) { return x * x; }
int add(int a, int b) { return a + b; }
int my_pid() { return static_cast<int>(::getpid()); }
std::string my_name() { return mp::current_process().name(); }
void do_nothing(int) {}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }
// Waits (at most 60 s) until `path` exists.
void wait_for_file(const std::string& path) {
  for (int i = 0; i < 6000 && !file_exists(path); ++i) std::this_thread::sleep_for(10ms);
}

// Item i waits for the file "<dir>/go<i>" when i is in `gated`, then returns i.
int gated_identity(std::string dir, int i, std::vector<int> gated) {
  if (std::find(gated.begin(), gated.end(), i) != gated.end()) wait_for_file(dir + "/go" + std::to_string(i));
  mp_test::write_file(dir + "/done" + std::to_string(i), "");
  return i;
}

using GatedItem = std::tuple<std::string, int, std::vector<int>>;
int gated_item(GatedItem item) { return std::apply(gated_identity, item); }
std::vector<GatedItem> gated_items(const std::string& dir, int n, int gated) {
  std::vector<GatedItem> items;
  for (int i = 0; i < n; ++i) items.emplace_back(dir, i, std::vector<int>{gated});
  return items;
}

int wait_then(std::string path, int value) {
  wait_for_file(path);
  return value;
}

int throw_value_error(int x) {
  if (x == 3) throw mp::ValueError("bad " + std::to_string(x));
  return x;
}
int throw_std_error() { throw std::runtime_error("plain failure"); }

// Writes this worker's pid to `path`, then sleeps until killed (bounded).
int report_pid_then_sleep(std::string path) {
  mp_test::write_file(path + ".tmp", std::to_string(::getpid()));
  std::filesystem::rename(path + ".tmp", path);
  mp_test::sleep_until_killed();
  return 0;
}
int kill_myself() {
  ::kill(::getpid(), SIGKILL);
  return 0;
}

int initialized_value = 0;  // set by the pool initializer in each worker
void set_initialized(int value) { initialized_value = value; }
int read_initialized() { return initialized_value; }

int queue_size(mp::Queue<int> q) { return q.qsize(); }

mp::Event* worker_event = nullptr;  // the Event the initializer received, in each worker
void keep_event(mp::Event event) { worker_event = new mp::Event(std::move(event)); }
bool set_worker_event() {
  worker_event->set();
  return true;
}

// An input range whose iteration throws at position `fail_at`.
struct ThrowingRange {
  int fail_at;
  struct iterator {
    using value_type = int;
    using difference_type = std::ptrdiff_t;
    int at = 0;
    int fail_at = 0;
    int operator*() const {
      if (at == fail_at) throw mp::KeyError("'from input'");
      return at;
    }
    iterator& operator++() {
      ++at;
      return *this;
    }
    void operator++(int) { ++at; }
    bool operator==(const iterator& other) const { return at == other.at; }
  };
  iterator begin() const { return {0, fail_at}; }
  iterator end() const { return {fail_at + 10, fail_at}; }
};

std::size_t string_size(std::string s) { return s.size(); }
std::string reversed(std::string s) { return {s.rbegin(), s.rend()}; }

std::vector<int> iota(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

// ---- results and order ------------------------------------------------------------------------

TEST_P(PoolTest, MapReturnsResultsInInputOrder) {
  mp::Pool pool(options());
  std::vector<int> results = pool.map(square, iota(1000));
  ASSERT_EQ(results.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(results[i], i * i);
  EXPECT_EQ(pool.map(square, std::vector<int>{}), std::vector<int>{});
  EXPECT_EQ(pool.map(square, iota(10), 3), (std::vector<int>{0, 1, 4, 9, 16, 25, 36, 49, 64, 81}));
}

// Task frames many times a pipe's capacity (the pool writes them as the pipes drain), with small
// calls from another thread in between: every result arrives, in order.
TEST_P(PoolTest, ItemsLargerThanAPipeArriveWholeAndInOrder) {
  mp::Pool pool(options(2));
  std::vector<std::string> items;
  for (int i = 0; i < 24; ++i) {
    std::string item(200 * 1024 + i, static_cast<char>('a' + i));
    item.front() = static_cast<char>('A' + i);
    items.push_back(std::move(item));
  }
  std::atomic<bool> mapped{false};
  std::thread small_calls([&] {
    for (int i = 0; !mapped; ++i) EXPECT_EQ(pool.apply_async(square, i % 100).get(60s), (i % 100) * (i % 100));
  });
  std::vector<std::string> results = pool.map(reversed, items, 3);
  std::vector<std::string> unordered;
  for (std::string& r : pool.imap_unordered(reversed, items)) unordered.push_back(std::move(r));
  mapped = true;
  small_calls.join();
  ASSERT_EQ(results.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(results[i], reversed(items[i])) << "item " << i;
  std::vector<std::string> expected;
  for (const std::string& item : items) expected.push_back(reversed(item));
  EXPECT_THAT(unordered, ::testing::UnorderedElementsAreArray(expected));
}

std::vector<std::string> split_words(std::string s) {
  std::vector<std::string> words{""};
  for (char c : s) {
    if (c == ' ') {
      words.emplace_back();
    } else {
      words.back().push_back(c);
    }
  }
  return words;
}

// Strings of every length, empty ones included, in chunks of unlike sizes (each chunk's frame is
// sized from its items) and back as map results and as a vector result of apply: each exact.
TEST_P(PoolTest, StringsOfMixedLengthsRoundTripExactly) {
  mp::Pool pool(options(2));
  std::vector<std::string> items;
  for (std::size_t n : {0, 1, 7, 8, 15, 16, 17, 70000, 0, 3, 1 << 20, 300000, 2, 65536, 0}) {
    std::string item(n, '\0');
    for (std::size_t k = 0; k < n; ++k) item[k] = static_cast<char>('a' + (k * 7 + n) % 26);
    items.push_back(std::move(item));
  }
  std::vector<std::string> expected;
  for (const std::string& item : items) expected.push_back(reversed(item));
  for (std::size_t chunksize : {1, 2, 4, 15}) EXPECT_EQ(pool.map(reversed, items, chunksize), expected) << chunksize;
  EXPECT_EQ(pool.apply(split_words, std::string(" a  bc ") + items[7]),
            (std::vector<std::string>{"", "a", "", "bc", items[7]}));
}

// A worker that stops reading its task pipe (SIGSTOP) takes only what the pipe holds of a large
// task; submitting does not wait for it, and when the worker dies with the task half written, the
// task runs on another worker.
TEST_P(PoolTest, ATaskHalfWrittenToAWorkerThatDiesRunsOnAnother) {
  mp::Pool pool(options(2));
  EXPECT_EQ(pool.map(square, iota(4), 1), (std::vector<int>{0, 1, 4, 9}));  // every worker is up
  for (const auto& worker : pool.workers()) ::kill(worker.pid, SIGSTOP);
  const std::string big(4 << 20, 'x');
  mp::AsyncResult<std::size_t> result = pool.apply_async(string_size, big);  // returns at once
  std::vector<mp::PoolWorker> stopped = pool.workers();
  ::kill(stopped[0].pid, SIGKILL);  // the first idle worker got the task
  for (std::size_t i = 1; i < stopped.size(); ++i) ::kill(stopped[i].pid, SIGCONT);
  EXPECT_EQ(result.get(60s), big.size());
}

TEST_P(PoolTest, MapKeepsInputOrderWhenLaterItemsFinishFirst) {
  TempDir dir;
  mp::Pool pool(options());
  // Item 0 finishes last: it waits for a file created once items 1..5 are done.
  std::thread releaser([&] {
    mp_test::eventually([&] {
      for (int i = 1; i < 6; ++i) {
        if (!file_exists(dir.file("done" + std::to_string(i)))) return false;
      }
      return true;
    });
    mp_test::write_file(dir.file("go0"), "");
  });
  std::vector<std::tuple<std::string, int, std::vector<int>>> items;
  for (int i = 0; i < 6; ++i) items.emplace_back(dir.path().string(), i, std::vector<int>{0});
  std::vector<int> results = pool.starmap(gated_identity, items, 1);
  releaser.join();
  EXPECT_EQ(results, iota(6));
}

TEST_P(PoolTest, ImapYieldsInInputOrderAndUnorderedInCompletionOrder) {
  mp::Pool pool(options());
  {
    // imap: item 0 is held back until items 1 and 2 are done, and still comes first.
    TempDir dir;
    auto iter = pool.imap(gated_item, gated_items(dir.path().string(), 3, 0));
    ASSERT_TRUE(mp_test::eventually(
        [&] { return file_exists(dir.file("done1")) && file_exists(dir.file("done2")); }, 60s));
    EXPECT_FALSE(file_exists(dir.file("done0")));
    mp_test::write_file(dir.file("go0"), "");
    std::vector<int> seen;
    for (int v : iter) seen.push_back(v);
    EXPECT_EQ(seen, iota(3));
  }
  {
    // imap_unordered: items 1 and 2 come out while item 0 waits for a file created only after the
    // test has received two results; then item 0.
    TempDir dir;
    auto iter = pool.imap_unordered(gated_item, gated_items(dir.path().string(), 3, 0));
    std::set<int> first_two = {iter.next(60s).value(), iter.next(60s).value()};
    EXPECT_EQ(first_two, (std::set<int>{1, 2}));
    mp_test::write_file(dir.file("go0"), "");
    EXPECT_EQ(iter.next(60s), 0);
    EXPECT_EQ(iter.next(60s), std::nullopt);
  }
  {
    // Chunks of 2: still input order.
    std::vector<int> seen;
    for (int v : pool.imap(square, iota(9), 2)) seen.push_back(v);
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 4, 9, 16, 25, 36, 49, 64}));
    std::multiset<int> unordered;
    for (int v : pool.imap_unordered(square, iota(9), 4)) unordered.insert(v);
    EXPECT_EQ(unordered, (std::multiset<int>{0, 1, 4, 9, 16, 25, 36, 49, 64}));
  }
}

// ---- apply_async and AsyncResult --------------------------------------------------------------

TEST_P(PoolTest, ApplyAndApplyAsyncReturnResults) {
  mp::Pool pool(options());
  auto r = pool.apply_async(add, 2, 3);
  EXPECT_EQ(r.get(), 5);
  EXPECT_EQ(r.get(), 5);
  EXPECT_TRUE(r.ready());
  EXPECT_TRUE(r.successful());
  EXPECT_EQ(pool.apply(square, 9), 81);
  pool.apply(do_nothing, 1);
  std::vector<mp::AsyncResult<int>> many;
  for (int i = 0; i < 50; ++i) many.push_back(pool.apply_async(square, i));
  for (int i = 49; i >= 0; --i) EXPECT_EQ(many[i].get(), i * i);
}

TEST_P(PoolTest, GetWithTimeoutThrowsTimeoutErrorAndPoolStaysUsable) {
  TempDir dir;
  mp::Pool pool(options());
  auto slow = pool.apply_async(wait_then, dir.file("go"), 7);
  EXPECT_THROW(slow.get(50ms), mp::TimeoutError);
  EXPECT_FALSE(slow.ready());
  try {
    slow.successful();
    ADD_FAILURE() << "successful() before ready";
  } catch (const mp::ValueError& e) {
    EXPECT_THAT(e.what(), ::testing::MatchesRegex("<multiprocessing.pool.ApplyResult object at 0x[0-9a-f]+> not ready"));
  }
  EXPECT_EQ(pool.apply(square, 3), 9);  // the other worker
  EXPECT_EQ(pool.map(square, iota(20)).size(), 20u);
  mp_test::write_file(dir.file("go"), "");
  EXPECT_EQ(slow.get(60s), 7);
  EXPECT_TRUE(slow.successful());
}

TEST_P(PoolTest, CallbacksRunWithTheResultOrTheError) {
  mp::Pool pool(options());
  std::atomic<int> got{-1};
  std::string error;
  std::mutex error_mutex;
  auto ok = pool.apply_async(mp::Callbacks<int>{.callback = [&](const int& v) { got = v; }}, square, 6);
  ok.get();
  EXPECT_EQ(got.load(), 36);  // before get() returns, as CPython
  auto bad = pool.apply_async(
      mp::Callbacks<int>{.error_callback =
                             [&](const std::exception& e) {
                               std::lock_guard lock(error_mutex);
                               error = dynamic_cast<const mp::Error&>(e).str();
                             }},
      throw_value_error, 3);
  EXPECT_THROW(bad.get(), mp::RemoteError);
  {
    std::lock_guard lock(error_mutex);
    EXPECT_EQ(error, "ValueError: bad 3");
  }
  std::vector<int> mapped;
  pool.map_async(mp::Callbacks<std::vector<int>>{.callback = [&](const std::vector<int>& v) { mapped = v; }}, square,
                 iota(4))
      .get();
  EXPECT_EQ(mapped, (std::vector<int>{0, 1, 4, 9}));
}

// ---- errors -----------------------------------------------------------------------------------

TEST_P(PoolTest, TaskExceptionsAreReraisedWithTheirTypeAndText) {
  mp::Pool pool(options());
  try {
    pool.apply(throw_value_error, 3);
    ADD_FAILURE() << "no exception";
  } catch (const mp::RemoteError& e) {
    EXPECT_EQ(e.str(), "ValueError: bad 3");
  }
  try {
    pool.apply(throw_std_error);
    ADD_FAILURE() << "no exception";
  } catch (const mp::RemoteError& e) {
    EXPECT_EQ(e.type_name(), "std::runtime_error");
    EXPECT_STREQ(e.what(), "plain failure");
  }
  try {
    pool.map(throw_value_error, iota(10), 2);
    ADD_FAILURE() << "no exception";
  } catch (const mp::RemoteError& e) {
    EXPECT_EQ(e.str(), "ValueError: bad 3");
  }
  auto r = pool.map_async(throw_value_error, iota(10));
  r.wait();
  EXPECT_FALSE(r.successful());
  EXPECT_EQ(pool.apply(square, 5), 25);  // the pool is fine
}

TEST_P(PoolTest, AnExceptionFromTheInputSurfacesAtItsPosition) {
  mp::Pool pool(options());
  EXPECT_THROW(pool.map(square, ThrowingRange{3}), mp::KeyError);  // map lists its input first
  auto iter = pool.imap(square, ThrowingRange{3});
  EXPECT_EQ(iter.next(60s), 0);
  EXPECT_EQ(iter.next(60s), 1);
  EXPECT_EQ(iter.next(60s), 4);
  try {
    iter.next(60s);
    ADD_FAILURE() << "no exception";
  } catch (const mp::KeyError& e) {
    EXPECT_EQ(e.str(), "KeyError: 'from input'");
  }
  EXPECT_EQ(iter.next(60s), std::nullopt);
  // With chunks of 2, the chunk the failing item would have joined is dropped (as CPython).
  std::vector<int> seen;
  auto chunked = pool.imap(square, ThrowingRange{3}, 2);
  EXPECT_THROW(
      {
        for (int v : chunked) seen.push_back(v);
      },
      mp::KeyError);
  EXPECT_EQ(seen, (std::vector<int>{0, 1}));
}

TEST_P(PoolTest, WhatCannotTravelFailsTheResult) {
  mp::Pool pool(options());
  mp::Queue<int> q;
  try {
    pool.apply_async(queue_size, q).get();
    ADD_FAILURE() << "no exception";
  } catch (const mp::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Queue objects should only be shared between processes through inheritance");
  }
  mp::Lock lock;
  try {
    pool.apply_async(+[](mp::Lock) { return 0; }, lock).get();
    ADD_FAILURE() << "no exception";
  } catch (const mp::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Lock objects should only be shared between processes through inheritance");
  }
  int captured = 3;
  auto lambda = [captured](int x) { return x + captured; };
  EXPECT_THROW(pool.map(lambda, iota(3)), mp::PicklingError);  // even under fork, as CPython
  EXPECT_THROW(pool.apply_async(lambda, 1).get(), mp::PicklingError);
  EXPECT_EQ(pool.map([](int x) { return x + 1; }, iota(3)), (std::vector<int>{1, 2, 3}));  // captureless travels
}

// ---- lifecycle --------------------------------------------------------------------------------

TEST_P(PoolTest, CloseJoinTerminateRaiseCPythonsErrors) {
  mp::Pool pool(options());
  try {
    pool.join();
    ADD_FAILURE() << "join() while running";
  } catch (const mp::ValueError& e) {
    EXPECT_STREQ(e.what(), "Pool is still running");
  }
  auto pending = pool.map_async(square, iota(100), 1);
  pool.close();
  for (auto call : {+[](mp::Pool& p) { p.apply_async(square, 1); }, +[](mp::Pool& p) { p.map(square, iota(2)); },
                    +[](mp::Pool& p) { p.imap(square, iota(2)); }}) {
    try {
      call(pool);
      ADD_FAILURE() << "submitted after close()";
    } catch (const mp::ValueError& e) {
      EXPECT_STREQ(e.what(), "Pool not running");
    }
  }
  pool.join();  // the queued work finishes first
  EXPECT_EQ(pending.get(0s).size(), 100u);
  EXPECT_TRUE(pool.workers().empty());
  pool.terminate();  // after join: nothing left to do, no error
  pool.join();
}

TEST_P(PoolTest, TerminateStopsWorkersAndFailsPendingResults) {
  TempDir dir;
  auto pool = std::make_unique<mp::Pool>(options());
  auto stuck = pool->apply_async(wait_then, dir.file("never"), 1);
  std::vector<int> pids;
  for (auto& w : pool->workers()) pids.push_back(w.pid);
  pool->terminate();
  EXPECT_THROW(stuck.get(60s), mp::BrokenProcessPool);
  pool->join();
  EXPECT_THROW(pool->apply(square, 1), mp::ValueError);
  pool.reset();
  for (int pid : pids) EXPECT_FALSE(mp_test::pid_exists(pid)) << pid;
}

TEST_P(PoolTest, InitializerArgumentsOwningDescriptorsArrive) {
  mp::Event event;
  mp::Pool pool(mp::PoolOptions{
      .processes = 2, .initializer = mp::PoolInitializer(keep_event, event), .context = GetParam()});
  EXPECT_EQ(pool.apply(+[] { return set_worker_event(); }), true);
  EXPECT_TRUE(event.wait(std::chrono::seconds(5)));
}

TEST_P(PoolTest, WorkersAreNamedAsCPythonsAndRunTheInitializer) {
  mp::Pool pool(mp::PoolOptions{
      .processes = 3, .initializer = mp::PoolInitializer(set_initialized, 42), .context = GetParam()});
  auto workers = pool.workers();
  ASSERT_EQ(workers.size(), 3u);
  mp::Pool by_context(mp::PoolOptions{.processes = 1, .context = mp::get_context(GetParam())});
  EXPECT_EQ(by_context.workers().at(0).name.rfind(worker_prefix(), 0), 0u);
  std::regex pattern(worker_prefix() + "(\\d+)");
  std::set<std::string> names;
  for (auto& w : workers) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(w.name, m, pattern)) << w.name;
    names.insert(w.name);
  }
  EXPECT_EQ(names.size(), 3u);
  std::set<std::string> seen;
  for (auto& name : pool.map(+[](int) { return my_name(); }, iota(30), 1)) seen.insert(name);
  for (auto& name : seen) EXPECT_TRUE(names.count(name)) << name;
  for (int v : pool.map(+[](int) { return read_initialized(); }, iota(12), 1)) EXPECT_EQ(v, 42);
}

TEST_P(PoolTest, MaxTasksPerChildOneGivesEveryTaskAFreshProcess) {
  mp::Pool pool(options(2, 1));
  std::vector<int> pids = pool.map(+[](int) { return my_pid(); }, iota(6), 1);
  EXPECT_EQ(std::set<int>(pids.begin(), pids.end()).size(), 6u);
  std::set<int> apply_pids;
  for (int i = 0; i < 4; ++i) apply_pids.insert(pool.apply(my_pid));
  EXPECT_EQ(apply_pids.size(), 4u);
  EXPECT_EQ(pool.workers().size(), 2u);
  try {
    mp::Pool bad(options(2, 0));
    ADD_FAILURE() << "maxtasksperchild=0 accepted";
  } catch (const mp::ValueError& e) {
    EXPECT_STREQ(e.what(), "maxtasksperchild must be a positive int or None");
  }
  try {
    mp::Pool bad(options(0));
    ADD_FAILURE() << "processes=0 accepted";
  } catch (const mp::ValueError& e) {
    EXPECT_STREQ(e.what(), "Number of processes must be at least 1");
  }
}

// ---- beyond CPython: a worker lost mid-task ---------------------------------------------------

TEST_P(PoolTest, AWorkerKilledMidTaskFailsItsResultAndIsReplaced) {
  TempDir dir;
  mp::Pool pool(options());
  auto victim = pool.apply_async(report_pid_then_sleep, dir.file("pid"));
  auto bystander = pool.apply_async(wait_then, dir.file("go"), 5);
  ASSERT_TRUE(mp_test::eventually([&] { return file_exists(dir.file("pid")); }, 60s));
  const int pid = std::stoi(mp_test::read_file(dir.file("pid")));
  std::string name;
  for (auto& w : pool.workers()) {
    if (w.pid == pid) name = w.name;
  }
  ASSERT_FALSE(name.empty());
  ::kill(pid, SIGKILL);
  try {
    victim.get(60s);  // bounded; in practice it fails at once (see pool_bench)
    ADD_FAILURE() << "no exception";
  } catch (const mp::BrokenProcessPool& e) {
    EXPECT_EQ(e.type_name(), "BrokenProcessPool");
    EXPECT_THAT(e.what(), HasSubstr(name + " (pid " + std::to_string(pid) + ")"));
    EXPECT_THAT(e.what(), HasSubstr("SIGKILL"));
  }
  mp_test::write_file(dir.file("go"), "");
  EXPECT_EQ(bystander.get(60s), 5);           // the other task went on
  EXPECT_EQ(pool.apply(square, 4), 16);       // and the pool still works
  EXPECT_TRUE(mp_test::eventually([&] { return pool.workers().size() == 2; }));
  // A task that kills its own worker, with nobody waiting at the time, and inside a map.
  auto self = pool.apply_async(kill_myself);
  EXPECT_THROW(self.get(60s), mp::BrokenProcessPool);
  EXPECT_THROW(pool.map(+[](int x) { return x == 5 ? kill_myself() : x; }, iota(10), 1), mp::BrokenProcessPool);
  EXPECT_EQ(pool.map(square, iota(10)).size(), 10u);
}

// The target of the owner process below: a pool of one worker under `method`, busy with a task
// that reports its pid to `pid_file`; waits to be killed.
void own_a_pool_with_a_busy_worker(std::string method, std::string pid_file) {
  mp::Pool pool(mp::PoolOptions{.processes = 1, .context = method});
  auto busy = pool.apply_async(report_pid_then_sleep, pid_file);
  mp_test::sleep_until_killed();
}

// True while `pid` names a process that has not ended (a zombie has ended: an orphan's reaper may
// be slow to reap it).
bool running(int pid) {
  const std::string stat = mp_test::read_file("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  const char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

// mp's orphan policy (pool.hpp): a worker dies with the process that made its pool, even mid-task
// (CPython's runs its task to the end, then finds its pipes gone).
TEST_P(PoolTest, ABusyWorkerEndsWhenThePoolsOwnerIsKilled) {
  TempDir dir;
  mp::Process owner(StartMethodTest::options(), own_a_pool_with_a_busy_worker, GetParam(), dir.file("pid"));
  owner.start();
  ASSERT_TRUE(mp_test::eventually([&] { return file_exists(dir.file("pid")); }, 60s));
  const int worker = std::stoi(mp_test::read_file(dir.file("pid")));
  ASSERT_TRUE(running(worker));
  owner.kill();
  owner.join();
  const bool ended = mp_test::eventually([&] { return !running(worker); });
  if (!ended) ::kill(worker, SIGKILL);  // nothing outlives the test
  EXPECT_TRUE(ended) << "worker " << worker << " outlived its pool's owner";
}

// The watch follows the owner process, not the thread that started the worker (as
// PR_SET_PDEATHSIG would): a pool made by a thread that has ended keeps its workers.
TEST_P(PoolTest, WorkersOutliveTheThreadThatMadeThePool) {
  std::unique_ptr<mp::Pool> pool;
  int worker = 0;
  std::thread([&] {
    pool = std::make_unique<mp::Pool>(options(1));
    worker = pool->workers().at(0).pid;
  }).join();
  EXPECT_EQ(pool->apply(my_pid), worker);
}

// An idle worker killed just before a task is sent to it never starts the task: the task goes to
// another worker, whichever way the race goes (the write fails with EPIPE; the frame stays unread;
// the dying worker reads it but never gets to run it). Each round kills an idle worker and
// submits at once.
TEST_P(PoolTest, ATaskSentToAJustKilledIdleWorkerRunsOnAnother) {
  mp::Pool pool(options(2));
  EXPECT_EQ(pool.map(square, iota(4)), (std::vector<int>{0, 1, 4, 9}));  // every worker is up
  for (int round = 0; round < 50; ++round) {
    auto workers = pool.workers();
    ASSERT_FALSE(workers.empty());
    ::kill(workers[static_cast<std::size_t>(round) % workers.size()].pid, SIGKILL);
    try {
      if (round % 2 == 0) {
        EXPECT_EQ(pool.apply_async(square, round).get(60s), round * round) << "round " << round;
      } else {
        EXPECT_EQ(pool.map(square, std::vector<int>{round, 1}, 1), (std::vector<int>{round * round, 1}))
            << "round " << round;
      }
    } catch (const mp::Error& e) {
      ADD_FAILURE() << "round " << round << ": " << e.str();
    }
  }
}

// A worker that ends before it takes any task (its initializer exits) does not make the pool
// offer the task forever: after 3 such workers the task fails.
void exit_at_once() { mp::exit(1); }

TEST_P(PoolTest, ATaskNoWorkerLivesToTakeFailsAfterThreeWorkers) {
  mp::Pool pool(mp::PoolOptions{.processes = 1, .initializer = mp::PoolInitializer(exit_at_once), .context = GetParam()});
  try {
    pool.apply_async(square, 3).get(60s);
    ADD_FAILURE() << "no exception";
  } catch (const mp::BrokenProcessPool& e) {
    EXPECT_THAT(e.what(), HasSubstr("terminated abruptly (exitcode 1) before taking a task of this job (3 workers in a row did)"));
  }
}

int open_fd_count() {
  int count = 0;
  for (auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++count;
  }
  return count;
}

TEST_P(PoolTest, NothingOutlivesThePool) {
  { mp::Pool warm_up(options(1)); }  // the forkserver, if any, is up: its descriptors stay
  const int fds_before = open_fd_count();
  std::vector<int> pids;
  {
    mp::Pool pool(options(3));
    pool.map(square, iota(100));
    for (auto& w : pool.workers()) pids.push_back(w.pid);
  }
  ASSERT_EQ(pids.size(), 3u);
  for (int pid : pids) EXPECT_FALSE(mp_test::pid_exists(pid)) << pid;
  EXPECT_TRUE(mp::active_children().empty());
  EXPECT_EQ(open_fd_count(), fds_before);  // pipes, sentinels, epoll and eventfd all closed
  {
    mp::Pool pool(options(2));
    pool.close();
    pool.join();
  }
  EXPECT_EQ(open_fd_count(), fds_before);
}

MP_INSTANTIATE_START_METHODS(PoolTest);

}  // namespace
