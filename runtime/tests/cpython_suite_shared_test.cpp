// What CPython 3.11's _test_multiprocessing.py asserts about Value, RawValue, Array, RawArray and
// shared ctypes that the other shared-object tests do not (docs/cpython-test-coverage.md:
// _TestValue, _TestArray, _TestSharedCTypes). Written from reading CPython's tests, under the three
// start methods.
#include <cstring>
#include <numeric>

#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonSharedTest : public StartMethodTest {};

// _TestValue.codes_values: 'i', 'd', 'h', 'q', 'c', each with its initial and its child's value.
void set_values(mp::Value<int> i, mp::Value<double> d, mp::Value<short> h, mp::Value<long long> q, mp::Value<char> c) {
  i.set_value(24234);
  d.set_value(-4.25);
  h.set_value(234);
  q.set_value(1LL << 34);
  c.set_value('y');
}
void set_raw_values(mp::RawValue<int> i, mp::RawValue<double> d, mp::RawValue<short> h, mp::RawValue<long long> q,
                    mp::RawValue<char> c) {
  i.set_value(24234);
  d.set_value(-4.25);
  h.set_value(234);
  q.set_value(1LL << 34);
  c.set_value('y');
}

template <class I, class D, class H, class Q, class C, class F>
void check_values(const mp::ProcessOptions& options, F set_in_child) {
  I i(4343);
  D d(3.625);
  H h(-232);
  Q q(1LL << 33);
  C c('x');
  EXPECT_EQ(i.value(), 4343);
  EXPECT_EQ(d.value(), 3.625);
  EXPECT_EQ(h.value(), -232);
  EXPECT_EQ(q.value(), 1LL << 33);
  EXPECT_EQ(c.value(), 'x');
  mp::Process proc(options, set_in_child, i, d, h, q, c);
  proc.start();
  ASSERT_TRUE(join_within(proc, 60s));
  EXPECT_EQ(proc.exitcode(), 0);
  EXPECT_EQ(i.value(), 24234);
  EXPECT_EQ(d.value(), -4.25);
  EXPECT_EQ(h.value(), 234);
  EXPECT_EQ(q.value(), 1LL << 34);
  EXPECT_EQ(c.value(), 'y');
}

// test_value / test_rawvalue: values of five types set by a child are seen by the parent.
TEST_P(CpythonSharedTest, ValuesOfFiveTypesSetByAChild) {
  check_values<mp::Value<int>, mp::Value<double>, mp::Value<short>, mp::Value<long long>, mp::Value<char>>(
      options({}, true), set_values);
  check_values<mp::RawValue<int>, mp::RawValue<double>, mp::RawValue<short>, mp::RawValue<long long>,
               mp::RawValue<char>>(options({}, true), set_raw_values);
}

// test_getobj_getlock: get_obj() is the unsynchronized value; get_lock() is the given lock when
// one is given (the same lock: holding one, the other cannot be taken).
TEST(CpythonShared, GetObjAndGetLock) {
  mp::Value<int> own(5);
  EXPECT_EQ(own.get_obj().value(), 5);
  EXPECT_TRUE(own.get_lock().acquire(false));
  own.get_lock().release();
  mp::Lock lock;
  mp::Value<int, mp::Lock> shared(5, lock);
  ASSERT_TRUE(lock.acquire(false));
  EXPECT_FALSE(shared.get_lock().acquire(false));
  lock.release();
  mp::Array<int, mp::Lock> array(10, lock);
  ASSERT_TRUE(array.get_lock().acquire(false));
  EXPECT_FALSE(lock.acquire(false));
  array.get_lock().release();
  EXPECT_EQ(array.get_obj().to_vector(), std::vector<int>(10, 0));
}

// _TestArray.f: prefix sums in place.
template <class A>
void prefix_sums(A seq) {
  for (std::size_t i = 1; i < seq.size(); ++i) seq[i] = seq[i] + seq[i - 1];
}
void prefix_sums_locked(mp::Array<int> seq) { prefix_sums(seq); }
void prefix_sums_raw(mp::RawArray<int> seq) { prefix_sums(seq); }

// test_array / test_rawarray: a child's prefix sums over a shared array are the parent's.
TEST_P(CpythonSharedTest, ArrayPrefixSumsByAChild) {
  std::vector<int> seq{680, 626, 934, 821, 150, 233, 548, 982, 714, 831};
  auto check = [&](auto arr, auto child) {
    std::vector<int> expected = seq;
    EXPECT_EQ(arr.size(), expected.size());
    EXPECT_EQ(static_cast<int>(arr[3]), expected[3]);
    for (int k = 4; k < 8; ++k) arr[static_cast<std::size_t>(k)] = expected[static_cast<std::size_t>(k)] = k - 3;
    EXPECT_EQ(arr.to_vector(), expected);
    std::partial_sum(expected.begin(), expected.end(), expected.begin());
    mp::Process p(options({}, true), child, arr);
    p.start();
    ASSERT_TRUE(join_within(p, 60s));
    EXPECT_EQ(arr.to_vector(), expected);
  };
  check(mp::Array<int>(seq), prefix_sums_locked);
  check(mp::RawArray<int>(seq), prefix_sums_raw);
}

// test_array_from_size: an array made from a size is zeroed, however often memory is reused.
TEST(CpythonShared, ArrayFromSizeIsZeroed) {
  for (int round = 0; round < 3; ++round) {
    mp::Array<int> arr(10);
    EXPECT_EQ(arr.size(), 10u);
    EXPECT_EQ(arr.to_vector(), std::vector<int>(10, 0));
    for (int k = 0; k < 10; ++k) arr[static_cast<std::size_t>(k)] = k;
    std::vector<int> expected(10);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(arr.to_vector(), expected);
  }
}

// _TestSharedCTypes: an int, a double, a long long, a struct, a double array and a char string,
// each doubled by a child (with locks, and raw).
struct Foo {
  int x;
  double y;
  long long z;
};

void double_locked(mp::Value<int> x, mp::Value<double> y, mp::Value<long long> z, mp::Value<Foo> foo,
                   mp::Array<double> arr, mp::Array<char> string) {
  x.set_value(x.value() * 2);
  y.set_value(y.value() * 2);
  z.set_value(z.value() * 2);
  Foo f = foo.value();
  f.x *= 2;
  f.y *= 2;
  foo.set_value(f);
  std::vector<char> s = string.to_vector();
  const std::size_t n = std::strlen(s.data());
  for (std::size_t i = 0; i < n; ++i) string.set(n + i, s[i]);
  for (std::size_t i = 0; i < arr.size(); ++i) arr[i] = arr[i] * 2;
}
void double_raw(mp::RawValue<int> x, mp::RawValue<double> y, mp::RawValue<long long> z, mp::RawValue<Foo> foo,
                mp::RawArray<double> arr, mp::RawArray<char> string) {
  x.set_value(x.value() * 2);
  y.set_value(y.value() * 2);
  z.set_value(z.value() * 2);
  foo.get_obj().x *= 2;
  foo.get_obj().y *= 2;
  const std::size_t n = std::strlen(string.data());
  std::memcpy(string.data() + n, string.data(), n);
  for (double& v : arr) v *= 2;
}

TEST_P(CpythonSharedTest, SharedCtypesDoubledByAChild) {
  std::vector<double> tens(10);
  std::iota(tens.begin(), tens.end(), 0.0);
  auto check = [&](auto x, auto y, auto z, auto foo, auto arr, auto string, auto child) {
    const char hello[] = "hello";
    for (std::size_t i = 0; i < 5; ++i) string[i] = hello[i];
    mp::Process p(options({}, true), child, x, y, z, foo, arr, string);
    p.start();
    ASSERT_TRUE(join_within(p, 60s));
    EXPECT_EQ(x.value(), 14);
    EXPECT_DOUBLE_EQ(y.value(), 2.0 / 3.0);
    EXPECT_EQ(z.value(), 1LL << 34);
    EXPECT_EQ(foo.value().x, 6);
    EXPECT_DOUBLE_EQ(foo.value().y, 4.0);
    for (std::size_t i = 0; i < 10; ++i) EXPECT_DOUBLE_EQ(static_cast<double>(arr[i]), 2.0 * static_cast<double>(i));
    std::vector<char> s = string.to_vector();
    EXPECT_STREQ(s.data(), "hellohello");
  };
  check(mp::Value<int>(7), mp::Value<double>(1.0 / 3.0), mp::Value<long long>(1LL << 33), mp::Value<Foo>(Foo{3, 2, 0}),
        mp::Array<double>(tens), mp::Array<char>(20), double_locked);
  check(mp::RawValue<int>(7), mp::RawValue<double>(1.0 / 3.0), mp::RawValue<long long>(1LL << 33),
        mp::RawValue<Foo>(Foo{3, 2, 0}), mp::RawArray<double>(tens), mp::RawArray<char>(20), double_raw);
}

MP_INSTANTIATE_START_METHODS(CpythonSharedTest);

}  // namespace
