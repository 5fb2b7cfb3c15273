// Value, Array, RawValue, RawArray: shared by processes under every start method.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "mp/mp.hpp"
#include "sync_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_of;
using mp_test::join_bounded;
using mp_test::start_child;

constexpr int kChildren = 4;
constexpr int kIncrements = 1000;

struct Point {
  int x;
  double y;
};

void increment_with_lock(mp::Value<long> value) {
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard guard(value.get_lock());
    value.set_value(value.value() + 1);  // RLock: the locked accessors re-enter it
  }
}

// Each read and each write is locked, but not the pair: CPython's `v.value += 1`.
void increment_without_lock(mp::Value<long> value) {
  for (int i = 0; i < kIncrements; ++i) {
    long seen = value.value();
    if (i % 5 == 0) std::this_thread::yield();
    value.set_value(seen + 1);
  }
}

void increment_raw(mp::RawValue<long> value) {
  for (int i = 0; i < kIncrements; ++i) {
    long seen = value.value();
    if (i % 5 == 0) std::this_thread::yield();
    value.set_value(seen + 1);
  }
}

void fill_slot(mp::Array<int> array, int slot) {
  array[static_cast<std::size_t>(slot)] = (slot + 1) * 10;
  array[static_cast<std::size_t>(slot) + kChildren] += 5;
}

void square_raw(mp::RawArray<double> array) {
  for (double& element : array) element *= element;
}

void move_point(mp::Value<Point> point) { point.set_value(Point{point.value().x + 1, 2.5}); }

void increment_array_locked(mp::Array<long, mp::Lock> array) {
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard guard(array.get_lock());
    array.get_obj()[0] += 1;  // raw access while holding the (non-recursive) lock
  }
}

class SharedTest : public testing::TestWithParam<std::string> {};

TEST_P(SharedTest, ValueIncrementedUnderItsLockIsExact) {
  for (int round = 0; round < 3; ++round) {
    mp::Value<long> value(0);
    std::vector<std::unique_ptr<mp::Process>> children;
    for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), increment_with_lock, value));
    for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
    EXPECT_EQ(value.value(), kChildren * kIncrements);
  }
}

// Without the lock around the read-modify-write, updates may be lost (never gained).
TEST_P(SharedTest, ValueIncrementedWithoutTheLockNeverExceedsTheTotal) {
  for (int round = 0; round < 3; ++round) {
    mp::Value<long> locked_steps(0);
    mp::RawValue<long> raw(0);
    std::vector<std::unique_ptr<mp::Process>> children;
    for (int i = 0; i < kChildren; ++i) {
      children.push_back(start_child(GetParam(), increment_without_lock, locked_steps));
      children.push_back(start_child(GetParam(), increment_raw, raw));
    }
    for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
    EXPECT_GE(locked_steps.value(), 1);  // a stale write can undo any number of others
    EXPECT_LE(locked_steps.value(), kChildren * kIncrements);
    EXPECT_GE(raw.value(), 1);
    EXPECT_LE(raw.value(), kChildren * kIncrements);
  }
}

TEST_P(SharedTest, ArrayWrittenByChildren) {
  mp::Array<int> array(2 * kChildren);
  EXPECT_EQ(array.size(), 2u * kChildren);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), fill_slot, array, i));
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(array.to_vector(), (std::vector<int>{10, 20, 30, 40, 5, 5, 5, 5}));
}

TEST_P(SharedTest, RawArrayChangedInPlaceByAChild) {
  mp::RawArray<double> array{1.0, 2.0, 3.0};
  auto child = start_child(GetParam(), square_raw, array);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(array.to_vector(), (std::vector<double>{1.0, 4.0, 9.0}));
}

TEST_P(SharedTest, ValueOfAStruct) {
  mp::Value<Point> point(Point{1, 0.5});
  auto child = start_child(GetParam(), move_point, point);
  EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(point.value().x, 2);
  EXPECT_EQ(point.value().y, 2.5);
}

TEST_P(SharedTest, ArrayWithAGivenLock) {
  mp::Lock lock;
  mp::Array<long, mp::Lock> array(3, lock);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(start_child(GetParam(), increment_array_locked, array));
  for (auto& child : children) EXPECT_EQ(join_bounded(*child), 0);
  EXPECT_EQ(array[0], kChildren * kIncrements);
  // The array's lock is the given one.
  lock.acquire();
  EXPECT_FALSE(array.get_lock().acquire(false));
  lock.release();
}

TEST_P(SharedTest, NoSegmentOutlivesItsUsers) {
  auto before = mp_test::count_segments();
  {
    mp::Value<long> value(0);
    mp::Array<int> array(2 * kChildren);
    auto first = start_child(GetParam(), increment_with_lock, value);
    auto second = start_child(GetParam(), fill_slot, array, 0);
    EXPECT_EQ(join_bounded(*first), 0);
    EXPECT_EQ(join_bounded(*second), 0);
    EXPECT_NE(mp_test::count_segments(), before);
  }
  EXPECT_EQ(mp_test::count_segments(), before);
}

INSTANTIATE_TEST_SUITE_P(StartMethods, SharedTest, testing::ValuesIn(mp_test::kStartMethods),
                         mp_test::StartMethodName());

// ---- one process --------------------------------------------------------------------------------

TEST(SharedValue, CopiesShareTheMemory) {
  mp::Value<int> value(5);
  mp::Value<int> copy = value;
  copy.set_value(7);
  EXPECT_EQ(value.value(), 7);
  value.get_obj().set_value(9);
  EXPECT_EQ(copy.value(), 9);
  mp::RawValue<int> raw(3);
  raw.get_obj() += 1;
  EXPECT_EQ(raw.value(), 4);
}

TEST(SharedValue, DefaultLockIsRecursive) {
  mp::Value<int> value(1);
  std::lock_guard guard(value);
  EXPECT_TRUE(value.get_lock().acquire(false));  // an RLock, as CPython's default
  value.get_lock().release();
  value.set_value(value.value() + 1);
  EXPECT_EQ(value.value(), 2);
}

TEST(SharedArray, ConstructionAndAccess) {
  mp::Array<int> zeros(3);
  EXPECT_EQ(zeros.to_vector(), (std::vector<int>{0, 0, 0}));
  mp::Array<int> listed{4, 5, 6};
  EXPECT_EQ(listed.size(), 3u);
  listed[1] = listed[2];
  listed[0] -= 1;
  const mp::Array<int>& read_only = listed;
  EXPECT_EQ(read_only[1], 6);
  EXPECT_EQ(listed.to_vector(), (std::vector<int>{3, 6, 6}));
  mp::Array<double> from_vector(std::vector<double>{0.5, 1.5});
  EXPECT_EQ(from_vector.get(1), 1.5);
  mp::RawArray<char> raw(4);
  raw[0] = 'x';
  EXPECT_EQ(raw.to_vector(), (std::vector<char>{'x', 0, 0, 0}));
}

TEST(SharedRepr, AsCPythonPrintsThem) {
  EXPECT_EQ(mp::Value<int>(3).repr(), "<Synchronized wrapper for c_int(3)>");
  EXPECT_EQ(mp::Value<double>(100.0).repr(), "<Synchronized wrapper for c_double(100.0)>");
  EXPECT_EQ(mp::Value<double>(0.1).repr(), "<Synchronized wrapper for c_double(0.1)>");
  EXPECT_EQ(mp::Value<float>(1.1f).repr(), "<Synchronized wrapper for c_float(1.100000023841858)>");
  EXPECT_EQ(mp::Value<double>(1e16).repr(), "<Synchronized wrapper for c_double(1e+16)>");
  EXPECT_EQ(mp::Value<double>(1e15).repr(), "<Synchronized wrapper for c_double(1000000000000000.0)>");
  EXPECT_EQ(mp::Value<double>(1e-5).repr(), "<Synchronized wrapper for c_double(1e-05)>");
  EXPECT_EQ(mp::Value<double>(-2.5e-3).repr(), "<Synchronized wrapper for c_double(-0.0025)>");
  EXPECT_EQ(mp::Value<bool>(true).repr(), "<Synchronized wrapper for c_bool(True)>");
  EXPECT_EQ(mp::Value<char>('x').repr(), "<Synchronized wrapper for c_char(b'x')>");
  EXPECT_EQ(mp::Value<unsigned long>(18446744073709551615UL).repr(),
            "<Synchronized wrapper for c_ulong(18446744073709551615)>");
  EXPECT_EQ(mp::RawValue<signed char>(-3).repr(), "c_byte(-3)");
  mp::RawArray<int> raw(3);
  EXPECT_THAT(raw.repr(), testing::MatchesRegex("<multiprocessing\\.sharedctypes\\.c_int_Array_3 object at 0x[0-9a-f]+>"));
  mp::Array<int> array(3);
  EXPECT_THAT(array.repr(), testing::MatchesRegex("<SynchronizedArray wrapper for <multiprocessing\\.sharedctypes\\.c_int_Array_3 object at 0x[0-9a-f]+>>"));
  EXPECT_THAT(mp::Value<Point>().repr(), testing::MatchesRegex("<SynchronizedPoint wrapper for <__main__\\.Point object at 0x[0-9a-f]+>>"));
}

TEST(SharedTravel, OnlyThroughInheritance) {
  auto message = [](const std::string& type) {
    return "RuntimeError: " + type + " objects should only be shared between processes through inheritance";
  };
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Value<int>(0)); }), message("Synchronized"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Array<int>(3)); }), message("SynchronizedArray"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RawValue<int>(0)); }), message("c_int"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RawValue<double>(0)); }), message("c_double"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RawArray<int>(3)); }), message("c_int_Array_3"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RawArray<long long>(2)); }), message("c_long_Array_2"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Value<Point>()); }), message("SynchronizedPoint"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::RawValue<Point>()); }), message("Point"));
  EXPECT_EQ(error_of([] { (void)mp::dumps(mp::Array<char>(4)); }), message("SynchronizedString"));
}

}  // namespace
