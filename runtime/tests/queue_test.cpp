// Queue, JoinableQueue, SimpleQueue under the three start methods.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mp/connection.hpp"
#include "mp/mp.hpp"
#include "process_test_support.hpp"
#include "mp/queue.hpp"

namespace {

using namespace std::chrono_literals;

const std::string kInheritanceOnly =
    " objects should only be shared between processes through inheritance";

using mp_test::error_text;
using mp_test::join_within;

// ---- children ---------------------------------------------------------------------------------

void put_range(mp::Queue<int> q, int first, int count) {
  for (int i = first; i < first + count; ++i) q.put(i);
}

void put_big(mp::Queue<std::string> q, int size) { q.put(std::string(size, 'X')); }

void put_big_cancelled(mp::Queue<std::string> q, int size) {
  q.put(std::string(size, 'X'));
  q.cancel_join_thread();
}

// Drains with get_nowait until Empty; reports (pid, items, empties) on results.
void drain_nowait(mp::Queue<int> q, mp::Queue<std::vector<int>> results) {
  std::vector<int> got;
  int empties = 0;
  for (;;) {
    try {
      got.push_back(q.get_nowait());
    } catch (const mp::Empty&) {
      ++empties;
      break;
    }
  }
  got.push_back(-empties);  // the last element encodes the Empty count
  results.put(got);
}

void consume_and_mark_done(mp::JoinableQueue<int> q, mp::Queue<int> seen, int count) {
  for (int i = 0; i < count; ++i) {
    int item = q.get();
    std::this_thread::sleep_for(5ms);
    seen.put(item);
    q.task_done();
  }
}

void simple_echo(mp::SimpleQueue<std::string> in, mp::SimpleQueue<std::string> out) {
  for (;;) {
    std::string item = in.get();
    if (item.empty()) break;
    out.put(item + "!");
  }
}

void forked_putter(mp::Queue<int> q) { q.put(2000); }

// The in-process behaviors, on queues received as Process arguments. Exit code: failed checks.
void check_behaviors_in_child(mp::Queue<int> bounded, mp::JoinableQueue<int> joinable,
                              mp::Connection conn) {
  int failures = 0;
  auto expect = [&failures](bool ok) { failures += ok ? 0 : 1; };
  expect(error_text([&] { bounded.get_nowait(); }) == "Empty");
  bounded.put(1);
  bounded.put(2);
  expect(bounded.full() && bounded.qsize() == 2);
  expect(error_text([&] { bounded.put_nowait(3); }) == "Full");
  expect(bounded.get(true, 10s) == 1 && bounded.get(true, 10s) == 2);
  for (int run = 0; run < 20; ++run) {  // get_nowait right after put: a prefix, nothing lost
    std::vector<int> got;
    for (int i = 0; i < 2; ++i) bounded.put(i);
    try {
      for (;;) got.push_back(bounded.get_nowait());
    } catch (const mp::Empty&) {
    }
    while (got.size() < 2) got.push_back(bounded.get(true, 10s));
    expect(got == std::vector<int>{0, 1});
  }
  expect(error_text([&] { joinable.task_done(); }) ==
         "ValueError: task_done() called too many times");
  joinable.put(7);
  expect(joinable.get(true, 10s) == 7);
  joinable.task_done();
  joinable.join();
  expect(error_text([&] { conn.send(bounded); }) == "RuntimeError: Queue" + kInheritanceOnly);
  bounded.close();
  expect(error_text([&] { bounded.put(1); })
             .rfind("ValueError: Queue <multiprocessing.queues.Queue object at 0x", 0) == 0);
  mp::exit(failures);
}

class QueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  template <class F, class... Args>
  mp::Process make(F f, Args&&... args) {
    return mp::get_context(GetParam()).Process(f, std::forward<Args>(args)...);
  }
};

TEST_P(QueueTest, ItemsFromAChildArriveInOrderAfterItExits) {
  mp::Queue<int> q;
  mp::Process p = make(put_range, q, 0, 500);
  p.start();
  // The child returns from put() at once, but may not finish exiting before its feeder wrote all:
  // everything is readable once it has.
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(*p.exitcode(), 0);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(q.get(true, 10s), i);
  EXPECT_THROW(q.get_nowait(), mp::Empty);
}

TEST_P(QueueTest, JoiningBeforeDrainingALargeItemDeadlocks) {
  mp::Queue<std::string> q;
  mp::Process p = make(put_big, q, 1000000);
  p.start();
  p.join(1.5s);
  EXPECT_FALSE(p.exitcode().has_value()) << "the child exited before its item was taken";
  // Clean up: draining lets the feeder finish, so the child exits.
  std::string item = q.get(true, 30s);
  EXPECT_EQ(item.size(), 1000000u);
  ASSERT_TRUE(join_within(p, 30s));
  EXPECT_EQ(*p.exitcode(), 0);
}

TEST_P(QueueTest, CancelJoinThreadLetsTheChildExit) {
  mp::Queue<std::string> q;
  mp::Process p = make(put_big_cancelled, q, 1000000);
  p.start();
  ASSERT_TRUE(join_within(p, 30s)) << "cancel_join_thread() did not release the exit";
  EXPECT_EQ(*p.exitcode(), 0);
}

TEST_P(QueueTest, FourWorkersDrainTenItemsWithExactlyFourEmpties) {
  const int runs = GetParam() == "fork" ? 20 : 6;
  for (int run = 0; run < runs; ++run) {
    mp::Queue<int> tasks;
    mp::Queue<std::vector<int>> results;
    // Pre-filled by a producer that has exited, so all ten are in the pipe.
    mp::Process producer = make(put_range, tasks, 0, 10);
    producer.start();
    ASSERT_TRUE(join_within(producer, 60s));
    std::deque<mp::Process> workers;  // Process is not movable: built in place
    mp::ProcessOptions options;
    options.start_method = GetParam();
    for (int w = 0; w < 4; ++w) workers.emplace_back(options, drain_nowait, tasks, results);
    for (auto& w : workers) w.start();
    std::multiset<int> items;
    int empties = 0;
    for (int w = 0; w < 4; ++w) {
      std::vector<int> got = results.get(true, 60s);
      empties -= got.back();
      items.insert(got.begin(), got.end() - 1);
    }
    for (auto& w : workers) ASSERT_TRUE(join_within(w, 60s));
    EXPECT_EQ(empties, 4);
    EXPECT_EQ(items, (std::multiset<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})) << "run " << run;
  }
}

TEST_P(QueueTest, JoinableQueueJoinWaitsForTaskDone) {
  mp::JoinableQueue<int> q;
  mp::Queue<int> seen;
  mp::Process p = make(consume_and_mark_done, q, seen, 5);
  p.start();
  for (int i = 0; i < 5; ++i) q.put(i);
  auto joined = std::async(std::launch::async, [&] { q.join(); });
  ASSERT_EQ(joined.wait_for(60s), std::future_status::ready) << "join() never returned";
  // join() returned: every item was marked done, so every item was seen.
  std::set<int> items;
  for (int i = 0; i < 5; ++i) items.insert(seen.get(true, 10s));
  EXPECT_EQ(items, (std::set<int>{0, 1, 2, 3, 4}));
  ASSERT_TRUE(join_within(p, 30s));
}

TEST_P(QueueTest, SimpleQueueRoundTrip) {
  mp::SimpleQueue<std::string> in, out;
  mp::Process p = make(simple_echo, in, out);
  p.start();
  for (std::string word : {"a", "bb", "ccc"}) {
    in.put(word);
    EXPECT_EQ(out.get(), word + "!");
  }
  in.put("");
  ASSERT_TRUE(join_within(p, 30s));
  EXPECT_TRUE(out.empty());
}

TEST_P(QueueTest, ChildStartsItsOwnFeederAfterTheParentsWasRunning) {
  mp::Queue<int> q;
  q.put(1000);  // the parent's feeder is running when the child starts
  mp::Process p = make(forked_putter, q);
  p.start();
  ASSERT_TRUE(join_within(p, 60s));
  std::set<int> items{q.get(true, 10s), q.get(true, 10s)};
  EXPECT_EQ(items, (std::set<int>{1000, 2000}));
}

TEST_P(QueueTest, BehaviorsHoldInAChild) {
  mp::Queue<int> bounded(2);
  mp::JoinableQueue<int> joinable;
  auto [a, b] = mp::Pipe();
  mp::Process p = make(check_behaviors_in_child, bounded, joinable, b);
  p.start();
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(*p.exitcode(), 0) << "failed checks in the child";
}

INSTANTIATE_TEST_SUITE_P(StartMethods, QueueTest,
                         ::testing::Values("fork", "spawn", "forkserver"),
                         [](const auto& info) { return info.param; });

// ---- in-process behaviors ---------------------------------------------------------------------

// get_nowait() writes this process's pending small batch before it looks (queue_feeder.hpp), so
// right after 10 puts it finds all 10, unless the feeder thread holds that batch at that instant
// (then a prefix: the invariant still holds). Before get_nowait() helped, it found all 10 in
// about 1 run in 50 (it waited for the feeder thread, woken by the first put).
TEST(Queue, GetNowaitRightAfterPutSeesEveryItemAndLosesNothing) {
  std::map<int, int> visible_counts;
  for (int run = 0; run < 200; ++run) {
    mp::Queue<int> q;
    const int n = 10;
    for (int i = 0; i < n; ++i) q.put(i);
    std::vector<int> got;
    for (;;) {
      try {
        got.push_back(q.get_nowait());
      } catch (const mp::Empty&) {
        break;
      }
    }
    const int visible = static_cast<int>(got.size());
    ASSERT_LE(visible, n);
    ++visible_counts[visible];
    while (static_cast<int>(got.size()) < n) got.push_back(q.get(true, 10s));
    for (int i = 0; i < n; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);
    EXPECT_THROW(q.get_nowait(), mp::Empty);
  }
  std::string histogram;
  for (auto [visible, runs] : visible_counts) {
    histogram += std::to_string(visible) + ":" + std::to_string(runs) + " ";
  }
  RecordProperty("visible_histogram", histogram);
  EXPECT_GE(visible_counts[10], 160) << "visible items -> runs: " << histogram;
}

// empty() helps as get_nowait() does: an item this process just put is not hidden from it.
TEST(Queue, EmptyRightAfterPutSeesTheItem) {
  int seen = 0;
  for (int run = 0; run < 200; ++run) {
    mp::Queue<int> q;
    q.put(run);
    seen += q.empty() ? 0 : 1;
    ASSERT_EQ(q.get(true, 10s), run);
    EXPECT_TRUE(q.empty());
  }
  EXPECT_GE(seen, 160) << seen << " of 200 runs";
}

TEST(Queue, EmptyAndFull) {
  mp::Queue<int> q(2);
  EXPECT_EQ(error_text([&] { q.get_nowait(); }), "Empty");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(q.get(true, 0.05s), mp::Empty);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 0.04s);
  q.put(1);
  q.put(2);
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.qsize(), 2);
  EXPECT_EQ(error_text([&] { q.put_nowait(3); }), "Full");
  EXPECT_THROW(q.put(3, true, 0.05s), mp::Full);
  EXPECT_EQ(q.get(true, 10s), 1);
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.qsize(), 1);
  EXPECT_EQ(q.get(true, 10s), 2);
  EXPECT_EQ(q.qsize(), 0);
  EXPECT_TRUE(q.empty());
  mp::Queue<int> unbounded;
  EXPECT_EQ(unbounded.qsize(), 0);
  EXPECT_FALSE(unbounded.full());
}

TEST(Queue, ClosedQueueErrors) {
  mp::Queue<int> q;
  EXPECT_EQ(error_text([&] { q.join_thread(); }).rfind("AssertionError: Queue <multiprocessing.queues.Queue object at 0x", 0), 0u);
  q.put(1);
  q.close();
  const std::string put_error = error_text([&] { q.put(2); });
  EXPECT_EQ(put_error.rfind("ValueError: Queue <multiprocessing.queues.Queue object at 0x", 0), 0u);
  EXPECT_EQ(put_error.substr(put_error.size() - 11), "> is closed");
  EXPECT_EQ(error_text([&] { q.get_nowait(); }).substr(0, 17), "ValueError: Queue");
  q.join_thread();  // the feeder flushed and stopped
  q.join_thread();  // again: a no-op
  mp::JoinableQueue<int> j;
  j.close();
  EXPECT_EQ(error_text([&] { j.put(1); }).rfind("ValueError: Queue <multiprocessing.queues.JoinableQueue object at 0x", 0), 0u);
}

TEST(Queue, TaskDoneTooManyTimes) {
  mp::JoinableQueue<int> q;
  EXPECT_EQ(error_text([&] { q.task_done(); }), "ValueError: task_done() called too many times");
  q.put(1);
  EXPECT_EQ(q.get(true, 10s), 1);
  q.task_done();
  q.join();  // nothing unfinished: returns at once
  EXPECT_EQ(error_text([&] { q.task_done(); }), "ValueError: task_done() called too many times");
}

TEST(Queue, TravelsOnlyByInheritance) {
  mp::Queue<int> inner;
  mp::JoinableQueue<int> joinable;
  mp::SimpleQueue<int> simple;
  auto [a, b] = mp::Pipe();
  EXPECT_EQ(error_text([&] { a.send(inner); }), "RuntimeError: Queue" + kInheritanceOnly);
  EXPECT_EQ(error_text([&] { a.send(joinable); }), "RuntimeError: JoinableQueue" + kInheritanceOnly);
  EXPECT_EQ(error_text([&] { a.send(simple); }), "RuntimeError: SimpleQueue" + kInheritanceOnly);
  EXPECT_EQ(error_text([&] { mp::dumps(inner); }), "RuntimeError: Queue" + kInheritanceOnly);
  // Put on another queue: as CPython, the feeder thread reports the error (stderr) and drops the
  // item; put() itself returns.
  mp::Queue<mp::Queue<int>> outer;
  testing::internal::CaptureStderr();
  outer.put(inner);
  EXPECT_THROW(outer.get(true, 0.5s), mp::Empty);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("RuntimeError: Queue" + kInheritanceOnly), std::string::npos) << err;
  EXPECT_EQ(outer.qsize(), 0);  // the slot was given back
}

TEST(Queue, ManyProducersKeepPerProducerOrder) {
  mp::Queue<std::pair<int, int>> q;
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&q, t] {
      for (int i = 0; i < 1000; ++i) q.put({t, i});
    });
  }
  std::vector<int> next(4, 0);
  for (int k = 0; k < 4000; ++k) {
    auto [t, i] = q.get(true, 10s);
    ASSERT_EQ(i, next[static_cast<std::size_t>(t)]++);
  }
  for (auto& p : producers) p.join();
}

TEST(Queue, LargeAndMixedSizes) {
  mp::Queue<std::string> q;
  std::vector<std::size_t> sizes{0, 1, 100, 65000, 65536, 70000, 3 << 20, 5, 0, 200000};
  for (std::size_t n : sizes) q.put(std::string(n, 'a'));
  for (std::size_t n : sizes) ASSERT_EQ(q.get(true, 30s).size(), n);
}

// Long strings put by reference are copied into the buffers of items already written (kept by
// the queue): each arrives whole and as it was, whether the reused buffer was longer or shorter,
// and the caller's string is left as it was.
TEST(Queue, LongItemsPutByReferenceArriveIntactThroughReusedBuffers) {
  mp::Queue<std::string> q;
  const std::vector<std::size_t> sizes{1 << 20, 70000, 2 << 20, 65536, 3 << 20, 100000, 1 << 20};
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      std::string item(sizes[i], '\0');
      for (std::size_t k = 0; k < item.size(); k += 4093) item[k] = static_cast<char>('a' + (k + i + round) % 26);
      items.push_back(std::move(item));
    }
    for (const std::string& item : items) {
      const std::string before = item;
      q.put(item);
      ASSERT_EQ(item, before);
      ASSERT_EQ(q.get(true, 30s), item);  // one at a time: the next put may reuse its buffer
    }
    for (const std::string& item : items) q.put(item);  // a backlog, then drained
    for (const std::string& item : items) ASSERT_EQ(q.get(true, 30s), item);
  }
}

TEST(SimpleQueue, CloseAndEmpty) {
  mp::SimpleQueue<int> q;
  EXPECT_TRUE(q.empty());
  q.put(5);
  EXPECT_FALSE(q.empty());  // no feeder: readable at once
  EXPECT_EQ(q.get(), 5);
  q.close();
  EXPECT_EQ(error_text([&] { q.get(); }), "OSError: handle is closed");
}

}  // namespace
