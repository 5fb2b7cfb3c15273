// mp::Pool under each start method.
#include <gmock/gmock.h>

#include "mp/pool.hpp"
#include "process_test_support.hpp"

namespace {

using mp_test::StartMethodTest;

class PoolTest : public StartMethodTest {
 protected:
  mp::PoolOptions options(int processes = 2) const {
    return mp::PoolOptions{.processes = processes, .context = GetParam()};
  }
};

int square(int x) { return x * x; }
int add(int a, int b) { return a + b; }

TEST_P(PoolTest, MapReturnsResultsInInputOrder) {
  mp::Pool pool(options());
  std::vector<int> items(1000);
  for (int i = 0; i < 1000; ++i) items[i] = i;
  std::vector<int> results = pool.map(square, items);
  ASSERT_EQ(results.size(), items.size());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(results[i], i * i);
}

TEST_P(PoolTest, ApplyAsyncReturnsResult) {
  mp::Pool pool(options());
  auto r = pool.apply_async(add, 2, 3);
  EXPECT_EQ(r.get(), 5);
  EXPECT_TRUE(r.ready());
  EXPECT_TRUE(r.successful());
  EXPECT_EQ(pool.apply(square, 9), 81);
}

MP_INSTANTIATE_START_METHODS(PoolTest);

}  // namespace
