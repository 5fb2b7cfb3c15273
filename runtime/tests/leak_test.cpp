// Nothing an mp object holds outlives it: after thousands of objects of each kind are created,
// used and destroyed, this process's open descriptors, memory mappings, threads, after-fork hooks
// and exit finalizers are back to what they were.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

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
  bool operator==(const Census&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const Census& c) {
    return out << "{fds " << c.fds << ", mappings " << c.mappings << ", threads " << c.threads << "}";
  }
};

Census census() {
  return {entries_in("/proc/self/fd"), segment_mapping_count(), entries_in("/proc/self/task")};
}

// Runs round(i) `rounds` times and expects the census back at its value before the first round.
// Queue feeder threads end shortly after their queue: the census is given time to settle. One
// round runs first, uncounted, so that one-time state (a forkserver, the feeder registry, the
// allocator's arenas) exists before the baseline is taken.
template <class Round>
void expect_no_leak(int rounds, Round round) {
  round(-1);
  Census before;
  ASSERT_TRUE(mp_test::eventually([&] { return (before = census()) == census(); }));
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

}  // namespace
