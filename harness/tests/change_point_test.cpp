// detect_change_points on synthetic nightly series with known steps (fixed seeds: deterministic).

#include "change_point.hpp"

#include <gtest/gtest.h>

#include <random>

namespace parity {
namespace {

// levels: (number of points, level); noise: relative standard deviation; every spike_every-th point
// is spike_factor times its level (a run that hit a busy machine).
std::vector<double> series(const std::vector<std::pair<int, double>>& levels, double noise, unsigned seed,
                           int spike_every = 0, double spike_factor = 3) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> values;
  for (const auto& [count, level] : levels)
    for (int i = 0; i < count; ++i) {
      double value = level * (1 + noise * normal(generator));
      if (spike_every > 0 && values.size() % spike_every == static_cast<std::size_t>(spike_every - 1)) value = level * spike_factor;
      values.push_back(value);
    }
  return values;
}

std::vector<std::size_t> indices(const std::vector<ChangePoint>& points) {
  std::vector<std::size_t> result;
  for (const auto& point : points) result.push_back(point.index);
  return result;
}

TEST(ChangePoint, FindsOneStepWhereItIs) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    auto values = series({{12, 100}, {18, 130}}, 0.03, seed);
    auto points = detect_change_points(values);
    ASSERT_EQ(indices(points), std::vector<std::size_t>{12}) << "seed " << seed;
    EXPECT_NEAR(points[0].relative_change, 0.30, 0.05);
    EXPECT_NEAR(points[0].before_median, 100, 4);
    EXPECT_NEAR(points[0].after_median, 130, 4);
    EXPECT_LT(points[0].p, 0.01);
  }
}

TEST(ChangePoint, FindsTwoStepsUpThenDown) {
  auto points = detect_change_points(series({{20, 100}, {20, 130}, {20, 90}}, 0.03, 7));
  EXPECT_EQ(indices(points), (std::vector<std::size_t>{20, 40}));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_GT(points[0].relative_change, 0.2);
  EXPECT_LT(points[1].relative_change, -0.2);
}

TEST(ChangePoint, FindsAStepInTheLastFewRuns) {
  auto points = detect_change_points(series({{55, 100}, {5, 120}}, 0.02, 3));
  EXPECT_EQ(indices(points), std::vector<std::size_t>{55});
}

TEST(ChangePoint, NoiseAndOutliersAloneAreNoChange) {
  for (unsigned seed = 1; seed <= 100; ++seed) {
    EXPECT_TRUE(detect_change_points(series({{60, 100}}, 0.05, seed)).empty()) << "seed " << seed;
    // A 3x spike every 7th run: a mean-based cost would split around the spikes.
    EXPECT_TRUE(detect_change_points(series({{60, 100}}, 0.05, seed, 7)).empty()) << "seed " << seed;
  }
}

TEST(ChangePoint, AStepBelowTheMinimumChangeIsNotReported) {
  auto values = series({{20, 100}, {20, 102}}, 0.002, 5);  // significant, but 2%
  EXPECT_TRUE(detect_change_points(values).empty());
  EXPECT_EQ(indices(detect_change_points(values, {.min_relative_change = 0.01})), std::vector<std::size_t>{20});
}

TEST(ChangePoint, ShortOrBrokenSeriesHaveNone) {
  EXPECT_TRUE(detect_change_points({}).empty());
  EXPECT_TRUE(detect_change_points({100, 100, 200}).empty());
  EXPECT_TRUE(detect_change_points({1, 1.1, 0.9, 2, 2.1, 1.9}).empty());  // 3 a side: p >= 0.1
  EXPECT_TRUE(detect_change_points({1, 1, 1, NAN, 2, 2, 2, 2, 2}).empty());
}

}  // namespace
}  // namespace parity
