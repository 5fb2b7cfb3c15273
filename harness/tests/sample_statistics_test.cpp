// Sample statistics against known answers: quantiles as numpy computes them, order-statistic
// intervals against the binomial tables, and the coverage of both intervals on distributions whose
// true median is known (fixed seeds: the same draws every time).

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "sample_statistics.hpp"

using namespace parity;

namespace {

std::vector<double> one_to(int n) {
  std::vector<double> values;
  for (int i = n; i >= 1; --i) values.push_back(i);  // unsorted on purpose
  return values;
}

}  // namespace

TEST(SampleStatistics, MedianAndQuantiles) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25]
  EXPECT_DOUBLE_EQ(quantile({4, 2, 3, 1}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile({4, 2, 3, 1}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile({4, 2, 3, 1}, 0.75), 3.25);
  EXPECT_DOUBLE_EQ(quantile({7}, 0.9), 7);
  EXPECT_EQ(quantile({}, 0.5), 0);
}

TEST(SampleStatistics, SummaryHasSpread) {
  SampleSummary summary = summarize({100, 2, 4, 1, 3});
  EXPECT_EQ(summary.n, 5u);
  EXPECT_EQ(summary.median, 3);
  EXPECT_EQ(summary.q1, 2);
  EXPECT_EQ(summary.q3, 4);
  EXPECT_EQ(summary.iqr(), 2);
  EXPECT_EQ(summary.mad, 1);  // |deviations| = 97, 1, 1, 2, 0
  EXPECT_EQ(summary.median_ci.low, 1);
  EXPECT_EQ(summary.median_ci.high, 100);
  EXPECT_EQ(summarize({}).n, 0u);
}

TEST(SampleStatistics, MedianIntervalRanksMatchTheBinomialTables) {
  // n = 20: [x(6), x(15)], confidence 1 - 2 P(B(20, 1/2) <= 5) = 1 - 2 * 21700/1048576 = 95.86%.
  MedianInterval twenty = median_interval(one_to(20));
  EXPECT_EQ(twenty.low, 6);
  EXPECT_EQ(twenty.high, 15);
  EXPECT_NEAR(twenty.coverage, 1 - 2 * 21700.0 / 1048576, 1e-12);
  // n = 10: [x(2), x(9)], 1 - 2 * 11/1024 = 97.85% (x(3), x(8) would be only 89.06%).
  MedianInterval ten = median_interval(one_to(10));
  EXPECT_EQ(ten.low, 2);
  EXPECT_EQ(ten.high, 9);
  EXPECT_NEAR(ten.coverage, 1 - 2 * 11.0 / 1024, 1e-12);
  // n = 6 still reaches 95% with the range (96.9%); n = 5 cannot (93.75%) and says so.
  EXPECT_NEAR(median_interval(one_to(6)).coverage, 1 - 2.0 / 64, 1e-12);
  MedianInterval five = median_interval(one_to(5));
  EXPECT_EQ(five.low, 1);
  EXPECT_EQ(five.high, 5);
  EXPECT_NEAR(five.coverage, 1 - 2.0 / 32, 1e-12);
  EXPECT_EQ(median_interval({}).coverage, 0);
  // Large n: no underflow, and the interval narrows around the middle.
  MedianInterval big = median_interval(one_to(5000));
  EXPECT_GT(big.coverage, 0.95);
  EXPECT_LT(big.coverage, 0.96);
  EXPECT_NEAR(big.low, 2500 - 1.96 * std::sqrt(5000) / 2, 3);
  EXPECT_NEAR(big.high, 2501 + 1.96 * std::sqrt(5000) / 2, 3);
}

TEST(SampleStatistics, MedianIntervalCoversTheTrueMedianAsOftenAsItClaims) {
  // Exponential(1): true median ln 2. 4000 intervals of 20 samples; the claimed coverage is 95.86%
  // (standard error of the observed rate 0.3%).
  std::mt19937_64 random(20240501);
  std::exponential_distribution<double> exponential(1.0);
  const double true_median = std::log(2.0);
  int covered = 0;
  const int trials = 4000;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<double> samples(20);
    for (double& value : samples) value = exponential(random);
    MedianInterval interval = median_interval(samples);
    if (interval.low <= true_median && true_median <= interval.high) ++covered;
  }
  double rate = static_cast<double>(covered) / trials;
  EXPECT_GT(rate, 0.9586 - 0.012) << rate;
  EXPECT_LT(rate, 0.9586 + 0.012) << rate;
}

TEST(SampleStatistics, MedianRatioEstimateAndInterval) {
  std::optional<RatioEstimate> doubled = median_ratio({2, 4, 6, 8, 10}, {1, 2, 3, 4, 5});
  ASSERT_TRUE(doubled);
  EXPECT_DOUBLE_EQ(doubled->ratio, 2);
  EXPECT_LE(doubled->low, 2);
  EXPECT_GE(doubled->high, 2);
  // Reproducible: a fixed seed gives the same interval.
  std::optional<RatioEstimate> again = median_ratio({2, 4, 6, 8, 10}, {1, 2, 3, 4, 5});
  EXPECT_EQ(again->low, doubled->low);
  EXPECT_EQ(again->high, doubled->high);
  // Constant samples: no spread, the interval is the point.
  std::optional<RatioEstimate> exact = median_ratio({3, 3, 3}, {1.5, 1.5});
  ASSERT_TRUE(exact);
  EXPECT_DOUBLE_EQ(exact->low, 2);
  EXPECT_DOUBLE_EQ(exact->high, 2);
  EXPECT_FALSE(median_ratio({}, {1}));
  EXPECT_FALSE(median_ratio({1}, {}));
  EXPECT_FALSE(median_ratio({1}, {0, 0, 0}));
}

TEST(SampleStatistics, BootstrapRatioIntervalCoversTheTrueRatio) {
  // Two log-normal samples (timings are skewed): medians e^1 and e^0.5, true ratio e^0.5.
  // The percentile bootstrap of a median ratio with 20 samples a side is close to its nominal 95%.
  std::mt19937_64 random(77);
  std::lognormal_distribution<double> slow(1.0, 0.3), fast(0.5, 0.3);
  const double true_ratio = std::exp(0.5);
  int covered = 0;
  const int trials = 400;
  BootstrapOptions options;
  options.resamples = 1000;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<double> a(20), b(20);
    for (double& value : a) value = slow(random);
    for (double& value : b) value = fast(random);
    std::optional<RatioEstimate> estimate = median_ratio(a, b, options);
    ASSERT_TRUE(estimate);
    if (estimate->low <= true_ratio && true_ratio <= estimate->high) ++covered;
  }
  double rate = static_cast<double>(covered) / trials;
  EXPECT_GT(rate, 0.90) << rate;
  EXPECT_LT(rate, 0.99) << rate;
}
