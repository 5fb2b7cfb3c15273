// What CPython 3.11's _test_multiprocessing.py asserts about Queue and SimpleQueue that the other
// queue tests do not (docs/cpython-test-coverage.md: _TestQueue, TestSimpleQueue). Written from
// reading CPython's tests, under the three start methods. Every wait is bounded.
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::eventually;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonQueueTest : public StartMethodTest {};

template <class F>
std::chrono::duration<double> timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

void take_six(mp::Queue<int> queue, mp::Event child_can_start, mp::Event parent_can_continue) {
  child_can_start.wait(60s);
  for (int i = 0; i < 6; ++i) queue.get(true, 60s);
  parent_can_continue.set();
}

// test_put: every put() spelling fills a Queue(6); every non-blocking or timed put on the full
// queue raises Full (at once, or after the timeout); a child's gets empty it again.
TEST_P(CpythonQueueTest, PutSpellingsFillAndFullRaises) {
  mp::Queue<int> queue(6);
  mp::Event child_can_start, parent_can_continue;
  mp::Process proc(options({}, true), take_six, queue, child_can_start, parent_can_continue);
  proc.start();
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.full());
  queue.put(1);
  queue.put(2, true);
  queue.put(3, true, std::nullopt);
  queue.put(4, false);
  queue.put(5, false, std::nullopt);
  queue.put_nowait(6);
  EXPECT_TRUE(eventually([&] { return !queue.empty(); }));  // the feeder may not have flushed yet
  EXPECT_TRUE(queue.full());
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.put(7, false), mp::Full); }), 5s);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.put(7, false, std::nullopt), mp::Full); }), 5s);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.put_nowait(7), mp::Full); }), 5s);
  EXPECT_GE(timed([&] { EXPECT_THROW(queue.put(7, true, 100ms), mp::Full); }), 90ms);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.put(7, false, 10s), mp::Full); }), 5s);  // timeout ignored
  child_can_start.set();
  ASSERT_TRUE(parent_can_continue.wait(60s));
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.full());
  EXPECT_TRUE(join_within(proc, 60s));
}

void put_two_to_five(mp::Queue<int> queue, mp::Event child_can_start, mp::Event parent_can_continue) {
  child_can_start.wait(60s);
  for (int i = 2; i <= 5; ++i) queue.put(i);
  parent_can_continue.set();
}

// test_get: every get() spelling takes a child's items in order; on the empty queue each raises
// Empty (at once, or after the timeout).
TEST_P(CpythonQueueTest, GetSpellingsTakeAChildsItemsThenEmptyRaises) {
  mp::Queue<int> queue;
  mp::Event child_can_start, parent_can_continue;
  mp::Process proc(options({}, true), put_two_to_five, queue, child_can_start, parent_can_continue);
  proc.start();
  EXPECT_TRUE(queue.empty());
  child_can_start.set();
  ASSERT_TRUE(parent_can_continue.wait(60s));
  ASSERT_TRUE(join_within(proc, 60s));  // its feeder flushed before it exited
  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(queue.get(true, std::nullopt), 2);
  EXPECT_EQ(queue.get(true), 3);
  EXPECT_EQ(queue.get(true, 1s), 4);
  EXPECT_EQ(queue.get_nowait(), 5);
  EXPECT_TRUE(queue.empty());
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.get(false), mp::Empty); }), 5s);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.get(false, std::nullopt), mp::Empty); }), 5s);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.get_nowait(), mp::Empty); }), 5s);
  EXPECT_GE(timed([&] { EXPECT_THROW(queue.get(true, 100ms), mp::Empty); }), 90ms);
  EXPECT_LT(timed([&] { EXPECT_THROW(queue.get(false, 10s), mp::Empty); }), 5s);  // timeout ignored
}

// test_qsize: counts each put and each get.
TEST(CpythonQueue, QsizeCountsPutsAndGets) {
  mp::Queue<int> q;
  EXPECT_EQ(q.qsize(), 0);
  q.put(1);
  EXPECT_EQ(q.qsize(), 1);
  q.put(5);
  EXPECT_EQ(q.qsize(), 2);
  q.get(true, 60s);
  EXPECT_EQ(q.qsize(), 1);
  q.get(true, 60s);
  EXPECT_EQ(q.qsize(), 0);
}

// TestSimpleQueue.test_empty (issue 30301): empty() works in a child under every start method.
void report_empty_twice(mp::SimpleQueue<bool> queue, mp::Event child_can_start, mp::Event parent_can_continue) {
  child_can_start.wait(60s);
  queue.put(queue.empty());
  queue.put(queue.empty());
  parent_can_continue.set();
}

TEST_P(CpythonQueueTest, SimpleQueueEmptyInAChild) {
  mp::SimpleQueue<bool> queue;
  mp::Event child_can_start, parent_can_continue;
  mp::Process proc(options({}, true), report_empty_twice, queue, child_can_start, parent_can_continue);
  proc.start();
  EXPECT_TRUE(queue.empty());
  child_can_start.set();
  ASSERT_TRUE(parent_can_continue.wait(60s));
  EXPECT_FALSE(queue.empty());
  EXPECT_TRUE(queue.get());
  EXPECT_FALSE(queue.get());
  EXPECT_TRUE(queue.empty());
  EXPECT_TRUE(join_within(proc, 60s));
  queue.close();
  queue.close();  // test_close: twice is fine
}

MP_INSTANTIATE_START_METHODS(CpythonQueueTest);

}  // namespace
