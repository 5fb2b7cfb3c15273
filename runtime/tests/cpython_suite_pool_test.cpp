// What CPython 3.11's _test_multiprocessing.py asserts about Pool that the other pool tests do not
// (docs/cpython-test-coverage.md: _TestPool, _TestPoolWorkerErrors, _TestPoolWorkerLifetime).
// Written from reading CPython's tests, under the three start methods. Every wait is bounded.
#include <algorithm>
#include <numeric>
#include <set>
#include <thread>

#include "mp/pool.hpp"
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::eventually;
using mp_test::StartMethodTest;

class CpythonPoolTest : public StartMethodTest {
 protected:
  mp::PoolOptions pool_options(int processes, std::optional<int> maxtasks = std::nullopt) const {
    return mp::PoolOptions{.processes = processes, .maxtasksperchild = maxtasks, .context = GetParam()};
  }
};

int sqr(int x) { return x * x; }
int sqr_after_ms(int x, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return x * x;
}
int mul(int x, int y) { return x * y; }
int raise_large_value_error(int wait_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  throw mp::ValueError(std::string(1 << 20, 'x'));
}
int raise_key_error() { throw mp::KeyError("'key'"); }

std::vector<int> range(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}
std::vector<int> squares(int n) {
  std::vector<int> v = range(n);
  for (int& x : v) x *= x;
  return v;
}

// test_map, test_starmap, test_starmap_async, test_map_async: with and without chunksize 20.
TEST_P(CpythonPoolTest, MapsWithAndWithoutChunksize) {
  mp::Pool pool(pool_options(4));
  EXPECT_EQ(pool.map(sqr, range(10)), squares(10));
  EXPECT_EQ(pool.map(sqr, range(100), 20), squares(100));
  EXPECT_EQ(pool.map_async(sqr, range(10)).get(60s), squares(10));
  for (int n : {10, 100}) {
    std::vector<std::tuple<int, int>> tuples;
    std::vector<int> expected;
    for (int i = 0; i < n; ++i) {
      tuples.emplace_back(i, n - 1 - i);
      expected.push_back(i * (n - 1 - i));
    }
    EXPECT_EQ(pool.starmap(mul, tuples), expected);
    EXPECT_EQ(pool.starmap(mul, tuples, 20), expected);
    EXPECT_EQ(pool.starmap_async(mul, tuples).get(60s), expected);
  }
  EXPECT_EQ(pool.apply_async(sqr_after_ms, 7, 100).get(60s), 49);  // test_async
}

// test_empty_iterable, test_map_chunksize: empty input gives empty results, without stalling.
TEST_P(CpythonPoolTest, EmptyInputGivesEmptyResults) {
  mp::Pool pool(pool_options(1));
  const std::vector<int> none;
  EXPECT_TRUE(pool.map(sqr, none).empty());
  auto it = pool.imap(sqr, none);
  EXPECT_FALSE(it.next(60s).has_value());
  auto unordered = pool.imap_unordered(sqr, none);
  EXPECT_FALSE(unordered.next(60s).has_value());
  EXPECT_TRUE(pool.map_async(sqr, none).get(60s).empty());
  EXPECT_TRUE(pool.map_async(sqr, none, 1).get(1s).empty());
  pool.close();
  pool.join();
}

// test_imap, test_imap_unordered: every result, then the end (StopIteration), also in chunks of 100.
TEST_P(CpythonPoolTest, ImapEndsAfterTheLastResult) {
  mp::Pool pool(pool_options(4));
  auto it = pool.imap(sqr, range(10));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(it.next(60s), i * i);
  EXPECT_FALSE(it.next(60s).has_value());
  EXPECT_FALSE(it.next(60s).has_value());
  auto chunked = pool.imap(sqr, range(1000), 100);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(chunked.next(60s), i * i);
  EXPECT_FALSE(chunked.next(60s).has_value());
  std::vector<int> unordered;
  for (int x : pool.imap_unordered(sqr, range(1000), 100)) unordered.push_back(x);
  std::sort(unordered.begin(), unordered.end());
  EXPECT_EQ(unordered, squares(1000));
}

// test_make_pool, test_pool_maxtasksperchild_invalid.
TEST_P(CpythonPoolTest, InvalidSizesAreRefused) {
  for (int processes : {0, -1}) {
    EXPECT_EQ(mp_test::error_text([&] { mp::Pool pool(pool_options(processes)); }),
              "ValueError: Number of processes must be at least 1");
  }
  for (int maxtasks : {0, -1}) {
    EXPECT_EQ(mp_test::error_text([&] { mp::Pool pool(pool_options(3, maxtasks)); }),
              "ValueError: maxtasksperchild must be a positive int or None");
  }
  mp::Pool pool(pool_options(3));
  EXPECT_EQ(pool.workers().size(), 3u);
  pool.close();
  pool.join();
}

// test_pool_worker_lifetime: with maxtasksperchild 10, 100 tasks replace the workers (new pids).
TEST_P(CpythonPoolTest, WorkersAreReplacedAfterTheirTasks) {
  mp::Pool pool(pool_options(3, 10));
  auto pids = [&] {
    std::vector<int> v;
    for (const mp::PoolWorker& w : pool.workers()) v.push_back(w.pid);
    std::sort(v.begin(), v.end());
    return v;
  };
  const std::vector<int> original = pids();
  ASSERT_EQ(original.size(), 3u);
  EXPECT_EQ(std::count(original.begin(), original.end(), 0), 0);
  std::vector<mp::AsyncResult<int>> results;
  for (int i = 0; i < 100; ++i) results.push_back(pool.apply_async(sqr, i));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)].get(60s), i * i);
  std::vector<int> final_pids;
  EXPECT_TRUE(eventually([&] {
    final_pids = pids();
    return final_pids.size() == 3 && std::count(final_pids.begin(), final_pids.end(), 0) == 0;
  }));
  EXPECT_NE(final_pids, original);
  pool.close();
  pool.join();
}

// test_pool_worker_lifetime_early_close (issue 10332): closing a pool of one-task workers with
// tasks left does not make join() hang, and every result arrives.
TEST_P(CpythonPoolTest, EarlyCloseOfOneTaskWorkersFinishesEveryTask) {
  mp::Pool pool(pool_options(3, 1));
  std::vector<mp::AsyncResult<int>> results;
  for (int i = 0; i < 6; ++i) results.push_back(pool.apply_async(sqr_after_ms, i, 300));
  pool.close();
  pool.join();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)].get(0s), i * i);
}

// test_map_no_failfast (issue 23992): a map failing with a large exception still lets close()
// and join() finish.
TEST_P(CpythonPoolTest, FailedMapStillLetsThePoolJoin) {
  mp::Pool pool(pool_options(2));
  try {
    pool.map(raise_large_value_error, std::vector<int>{0, 100});
    ADD_FAILURE() << "map did not raise";
  } catch (const mp::Error& e) {
    EXPECT_EQ(e.type_name(), "ValueError");
    EXPECT_EQ(std::string(e.what()).size(), std::size_t{1} << 20);
  }
  pool.close();
  pool.join();
  EXPECT_TRUE(pool.workers().empty());
}

// _TestPoolWorkerErrors.test_async_error_callback: the error callback gets the task's KeyError,
// and get() raises it.
TEST_P(CpythonPoolTest, ErrorCallbackGetsTheTasksException) {
  mp::Pool pool(pool_options(2));
  std::string seen;
  mp::Callbacks<int> callbacks{.callback = {},
                               .error_callback = [&](const std::exception& e) {
                                 const auto* error = dynamic_cast<const mp::Error*>(&e);
                                 seen = error ? error->str() : "not an mp::Error";
                               }};
  auto result = pool.apply_async(callbacks, raise_key_error);
  EXPECT_EQ(mp_test::error_text([&] { result.get(60s); }), "KeyError: 'key'");
  EXPECT_EQ(seen, "KeyError: 'key'");
  pool.close();
  pool.join();
}

MP_INSTANTIATE_START_METHODS(CpythonPoolTest);

}  // namespace
