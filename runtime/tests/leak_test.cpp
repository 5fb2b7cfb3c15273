// Nothing an mp object holds outlives it: after thousands of objects of each kind are created,
// used and destroyed, this process's open descriptors, memory mappings, threads, after-fork hooks
// and exit finalizers are back to what they were.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "mp/mp.hpp"
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;

int entries_in(const char* directory) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    (void)entry;
    ++count;
  }
  return count;
}

// Mappings of mp's shared memory segments (memfds). Other mappings are not counted: glibc keeps
// the stacks of ended threads and its per-thread malloc arenas for reuse (bounded caches).
int segment_mapping_count() {
  std::ifstream maps("/proc/self/maps");
  int count = 0;
  for (std::string line; std::getline(maps, line);) count += line.find("/memfd:") != std::string::npos;
  return count;
}

// What a leaked object would leave behind in this process.
struct Census {
  int fds = 0;
  int mappings = 0;
  int threads = 0;
  std::size_t after_fork_hooks = 0;  // what every fork child runs
  std::size_t finalizers = 0;        // what exit runs (and every fork child discards)
  bool operator==(const Census&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Census& c) {
    return out << "{fds " << c.fds << ", mappings " << c.mappings << ", threads " << c.threads
               << ", after-fork hooks " << c.after_fork_hooks << ", finalizers " << c.finalizers
               << "}";
  }
};

Census census() {
  return {entries_in("/proc/self/fd"), segment_mapping_count(), entries_in("/proc/self/task"),
          mp::detail::after_fork_hook_count(), mp::detail::finalizer_count()};
}

// The threads of this process while none of mp's runs: the main thread, and any a sanitizer
// keeps (ThreadSanitizer starts one along with the first other thread). Counted on first use,
// before any test round.
int idle_threads() {
  static const int count = [] {
    std::thread([] {}).join();
    return entries_in("/proc/self/task");
  }();
  return count;
}

// Runs round(i) `rounds` times and expects the census back at its value before the first round.
// Queue feeder threads end shortly after their queue: the census is given time to settle. One
// round runs first, uncounted, so that one-time state (a forkserver, the feeder registry) exists
// before the baseline is taken, once that round's threads have ended (between tests, no thread of
// mp's runs).
template <class Round>
void expect_no_leak(int rounds, Round round) {
  const int idle = idle_threads();
  round(-1);
  ASSERT_TRUE(mp_test::eventually([&] { return entries_in("/proc/self/task") == idle; }));
  const Census before = census();
  for (int i = 0; i < rounds; ++i) round(i);
  Census after;
  EXPECT_TRUE(mp_test::eventually([&] { return (after = census()) == before; }, 20s))
      << "before " << before << ", after " << rounds << " rounds " << after;
}

// ---- queues -----------------------------------------------------------------------------------

TEST(LeakTest, UsedQueue) {
  expect_no_leak(2000, [](int i) {
    mp::Queue<int> q;
    q.put(i);
    ASSERT_EQ(q.get(), i);
  });
}

TEST(LeakTest, UnusedQueue) {
  expect_no_leak(2000, [](int) { mp::Queue<int> q; });
}

TEST(LeakTest, ClosedAndJoinedQueue) {
  expect_no_leak(2000, [](int i) {
    mp::Queue<int> q;
    q.put(i);
    ASSERT_EQ(q.get(), i);
    q.close();
    q.join_thread();
  });
}

TEST(LeakTest, JoinableQueue) {
  expect_no_leak(2000, [](int i) {
    mp::JoinableQueue<int> q;
    q.put(i);
    ASSERT_EQ(q.get(), i);
    q.task_done();
    q.join();
  });
}

TEST(LeakTest, SimpleQueue) {
  expect_no_leak(2000, [](int i) {
    mp::SimpleQueue<int> q;
    q.put(i);
    ASSERT_EQ(q.get(), i);
  });
}

TEST(LeakTest, Pipe) {
  expect_no_leak(2000, [](int i) {
    auto [a, b] = mp::Pipe();
    a.send(i);
    ASSERT_EQ(b.recv<int>(), i);
    auto [reader, writer] = mp::Pipe(false);
    writer.send(i);
    ASSERT_EQ(reader.recv<int>(), i);
  });
}

TEST(LeakTest, SynchronizationPrimitives) {
  expect_no_leak(2000, [](int) {
    mp::Lock lock;
    { std::lock_guard held(lock); }
    mp::RLock rlock;
    { std::lock_guard held(rlock); }
    mp::Semaphore semaphore(2);
    ASSERT_TRUE(semaphore.acquire());
    semaphore.release();
    mp::BoundedSemaphore bounded(1);
    ASSERT_TRUE(bounded.acquire());
    bounded.release();
    mp::Condition condition;
    {
      std::lock_guard held(condition);
      condition.notify_all();
    }
    mp::Event event;
    event.set();
    ASSERT_TRUE(event.wait(std::chrono::duration<double>(0)));
    mp::Barrier barrier(1);
    barrier.wait();
  });
}

TEST(LeakTest, ValueAndArray) {
  expect_no_leak(2000, [](int i) {
    mp::Value<int> value(i);
    ASSERT_EQ(value.value(), i);
    mp::RawValue<double> raw(1.5);
    mp::Array<int> array(16);
    mp::RawArray<int> raw_array{1, 2, 3};
  });
}

class LeakPerMethodTest : public mp_test::StartMethodTest {
 protected:
  // Children cost a fork or an exec each: fewer rounds than for in-process objects (fewer still
  // under ThreadSanitizer, where a fork from a process with threads costs ~0.3 s).
  int process_rounds() const {
#ifdef __SANITIZE_THREAD__
    constexpr int kScale = 10;
#else
    constexpr int kScale = 1;
#endif
    return (GetParam() == "spawn" ? 100 : 300) / kScale;
  }
};

void put_pid(mp::Queue<int> q) { q.put(static_cast<int>(::getpid())); }

TEST_P(LeakPerMethodTest, Process) {
  expect_no_leak(process_rounds(), [this](int) {
    mp::Process child(options(), +[] {});
    child.start();
    mp_test::join_bounded(child);
    ASSERT_EQ(child.exitcode(), 0);
  });
  EXPECT_TRUE(mp::active_children().empty());
}

TEST_P(LeakPerMethodTest, ProcessWithAQueue) {
  expect_no_leak(process_rounds(), [this](int) {
    mp::Queue<int> q;
    mp::Process child(options(), put_pid, q);
    child.start();
    EXPECT_GT(q.get(true, std::chrono::seconds(60)), 0);
    mp_test::join_bounded(child);
  });
}

int twice(int x) { return 2 * x; }

TEST_P(LeakPerMethodTest, Pool) {
  expect_no_leak(10, [this](int) {
    mp::Pool pool(mp::PoolOptions{.processes = 2, .context = GetParam()});
    ASSERT_EQ(pool.map(twice, std::vector<int>{1, 2, 3}), (std::vector<int>{2, 4, 6}));
    ASSERT_EQ(pool.apply(twice, 5), 10);
  });
  expect_no_leak(10, [this](int) {
    mp::Pool pool(mp::PoolOptions{.processes = 2, .context = GetParam()});
    ASSERT_EQ(pool.apply_async(twice, 4).get(), 8);
    pool.close();
    pool.join();
  });
}


// What a fork child does before its target (after-fork hooks, inherited finalizers dropped) is
// in proportion to the objects alive at the fork, not to every object the parent ever made.
TEST(LeakTest, ForkChildInheritsNoHookOfDestroyedQueues) {
  auto hooks_in_fork_child = [] {
    mp::Process child(mp::ProcessOptions{.start_method = "fork"}, +[] {
      mp::exit(static_cast<int>(mp::detail::after_fork_hook_count() * 16 +
                                mp::detail::finalizer_count()));
    });
    child.start();
    mp_test::join_bounded(child);
    return child.exitcode().value_or(-1);
  };
  {
    mp::Queue<int> warm_up;  // the first put registers this process's feeder registry
    warm_up.put(0);
    ASSERT_EQ(warm_up.get(), 0);
  }
  const int before = hooks_in_fork_child();
  ASSERT_GE(before, 0);
  ASSERT_LT(before, 128);  // the exit code carries it
  for (int i = 0; i < 1000; ++i) {
    mp::Queue<int> q;
    q.put(i);
    ASSERT_EQ(q.get(), i);
  }
  EXPECT_EQ(hooks_in_fork_child(), before);
  mp::Queue<int> alive;
  EXPECT_EQ(hooks_in_fork_child(), before + 16);  // a live queue's hook is there
}

MP_INSTANTIATE_START_METHODS(LeakPerMethodTest);

}  // namespace
