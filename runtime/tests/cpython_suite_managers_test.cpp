// What CPython 3.11's TestSyncManagerTypes asserts (docs/cpython-test-coverage.md): each type a
// manager serves, set up by the parent, is used by a child, and the child's changes are seen by the
// parent. Written from reading CPython's test, under the three start methods.
#include <map>

#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_text;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonManagerTypesTest : public StartMethodTest {
 protected:
  // fn(args...) in a child; its exit code (a failed check in the child exits with its number).
  template <class F, class... Args>
  int in_child(F fn, Args... args) {
    mp::Process p(options(), fn, args...);
    p.start();
    if (!join_within(p, 60s)) return -1000;
    return *p.exitcode();
  }
};

void check(bool condition, int code) {
  if (!condition) mp::exit(code);
}

void use_event(mp::EventProxy o) {
  check(o.is_set(), 1);
  o.clear();
}
void use_acquire(mp::AcquirerProxy o) { check(o.acquire(), 1); }
void use_acquire_release(mp::AcquirerProxy o) {
  check(o.acquire(), 1);
  o.release();
}
void use_condition(mp::ConditionProxy o) {
  check(o.acquire(), 1);
  o.release();
}
void use_barrier(mp::BarrierProxy o) {
  check(o.parties() == 5, 1);
  o.reset();
}
void use_queue(mp::QueueProxy<int> o) {
  check(o.qsize() == 2, 1);
  check(o.full(), 2);
  check(!o.empty(), 3);
  check(o.get() == 5, 4);
  check(!o.empty(), 5);
  check(o.get() == 6, 6);
  check(o.empty(), 7);
}
void use_joinable_queue(mp::JoinableQueueProxy<int> o) { use_queue(o); }
void use_list(mp::ListProxy<int> o) {
  check(o[0] == 5, 1);
  check(o.count(5) == 1, 2);
  check(o.index(5) == 0, 3);
  o.sort();
  o.reverse();
  check(o.list() == std::vector<int>{5}, 4);
  check(o.size() == 1, 5);
  check(o.pop(0) == 5, 6);
}
void use_dict(mp::DictProxy<std::string, int> o) {
  check(o.size() == 1, 1);
  check(o["foo"] == 5, 2);
  check(o.get("foo") == 5, 3);
  check(o.items() == std::vector<std::pair<std::string, int>>{{"foo", 5}}, 4);
  check(o.keys() == std::vector<std::string>{"foo"}, 5);
  check(o.values() == std::vector<int>{5}, 6);
  check(o.copy() == std::map<std::string, int>{{"foo", 5}}, 7);
  check(o.popitem() == std::pair<std::string, int>("foo", 5), 8);
}
void use_value(mp::ValueProxy<int> o) {
  check(o.value() == 1, 1);
  check(o.get() == 1, 2);
  o.set(2);
}
void use_array(mp::ArrayProxy<int> o) {
  check(o[0] == 0, 1);
  check(o[1] == 1, 2);
  check(o.size() == 2, 3);
  check(o.list() == std::vector<int>{0, 1}, 4);
}

TEST_P(CpythonManagerTypesTest, EachTypeIsSharedWithAChild) {
  mp::Manager manager(mp::ManagerOptions{.start_method = GetParam()});

  auto event = manager.Event();
  event.set();
  EXPECT_EQ(in_child(use_event, event), 0);
  EXPECT_FALSE(event.is_set());
  EXPECT_FALSE(event.wait(1ms));

  auto lock = manager.Lock();
  EXPECT_EQ(in_child(use_acquire, lock), 0);
  lock.release();  // a threading.Lock: any process may release it
  EXPECT_EQ(error_text([&] { lock.release(); }), "RuntimeError: release unlocked lock");
  EXPECT_EQ(in_child(use_acquire_release, manager.RLock()), 0);
  for (auto semaphore : {manager.Semaphore(), manager.BoundedSemaphore()}) {
    EXPECT_EQ(in_child(use_acquire, semaphore), 0);
    semaphore.release();
  }
  EXPECT_EQ(in_child(use_condition, manager.Condition()), 0);
  EXPECT_EQ(in_child(use_barrier, manager.Barrier(5)), 0);

  auto queue = manager.Queue<int>(2);
  queue.put(5);
  queue.put(6);
  EXPECT_EQ(in_child(use_queue, queue), 0);
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.full());
  auto joinable = manager.JoinableQueue<int>(2);
  joinable.put(5);
  joinable.put(6);
  EXPECT_EQ(in_child(use_joinable_queue, joinable), 0);
  EXPECT_TRUE(joinable.empty());

  auto list = manager.list<int>();
  list.append(5);
  EXPECT_EQ(in_child(use_list, list), 0);
  EXPECT_EQ(list.size(), 0u);
  auto dict = manager.dict<std::string, int>();
  dict.set("foo", 5);
  EXPECT_EQ(in_child(use_dict, dict), 0);
  EXPECT_EQ(dict.size(), 0u);
  auto value = manager.Value<int>(1);
  EXPECT_EQ(in_child(use_value, value), 0);
  EXPECT_EQ(value.value(), 2);
  EXPECT_EQ(value.get(), 2);
  EXPECT_EQ(in_child(use_array, manager.Array<int>({0, 1})), 0);
}

MP_INSTANTIATE_START_METHODS(CpythonManagerTypesTest);

}  // namespace
