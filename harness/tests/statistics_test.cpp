// Statistics: medians, ratios, and the Mann-Whitney U test against values computed by hand.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "statistics.hpp"

using namespace parity;

TEST(Statistics, Median) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({3}), 3);
  EXPECT_EQ(median({5, 1, 3}), 3);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(Statistics, WallTimeRatio) {
  EXPECT_DOUBLE_EQ(*wall_time_ratio(0.05, 0.2), 0.25);
  EXPECT_FALSE(wall_time_ratio(0.05, 0));
  EXPECT_FALSE(wall_time_ratio(0, 0.2));

  CaseResult python, cpp;
  NormalizedRun run;
  python.runs = {run};
  cpp.runs = {run};
  python.median_wall_s = 0.2;
  cpp.median_wall_s = 0.02;
  set_ratio_to_python(cpp, python);
  ASSERT_TRUE(cpp.ratio_to_python);
  EXPECT_DOUBLE_EQ(*cpp.ratio_to_python, 0.1);
  python.runs.clear();
  set_ratio_to_python(cpp, python);
  EXPECT_FALSE(cpp.ratio_to_python);
}

TEST(Statistics, FormatsMetricValues) {
  EXPECT_EQ(format_metric_value(4), "4");
  EXPECT_EQ(format_metric_value(0.25), "0.25");
  EXPECT_EQ(format_metric_value(1e6), "1e+06");
  EXPECT_EQ(format_metric_value(1.0 / 3), "0.333333");
}

TEST(MannWhitney, ExactSmallSamples) {
  // Complete separation, 5 vs 5: U = 25, P(U >= 25) = 1 / C(10, 5) = 1/252.
  RankTest test = mann_whitney_u({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  EXPECT_TRUE(test.exact);
  EXPECT_EQ(test.u, 25);
  EXPECT_NEAR(test.p_greater, 1.0 / 252, 1e-12);
  EXPECT_NEAR(test.p_two_sided, 2.0 / 252, 1e-12);
  // The other direction: U = 0, current is not larger.
  RankTest reverse = mann_whitney_u({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5});
  EXPECT_EQ(reverse.u, 0);
  EXPECT_NEAR(reverse.p_greater, 1.0, 1e-12);
  // 3 vs 2, current = {2.5, 5}: pairs (b < c) are 2.5>{1,2}, 5>{1,2,3}: U = 5 of 6;
  // P(U >= 5) = (#U=5 + #U=6) / C(5,2) = 2/10.
  RankTest small = mann_whitney_u({1, 2, 3}, {2.5, 5});
  EXPECT_EQ(small.u, 5);
  EXPECT_NEAR(small.p_greater, 0.2, 1e-12);
}

namespace {

// A baseline 0..n1-1 and n2 current values, without ties, such that exactly u (baseline, current)
// pairs have the current value larger: current value j sits above min(n1, what is left) baselines.
std::pair<std::vector<double>, std::vector<double>> samples_with_u(int n1, int n2, int u) {
  std::vector<double> baseline, current;
  for (int i = 0; i < n1; ++i) baseline.push_back(i);
  int left = u;
  for (int j = 0; j < n2; ++j) {
    int above = std::min(n1, left);
    left -= above;
    current.push_back(above - 0.5 + 1e-3 * j);
  }
  return {baseline, current};
}

}  // namespace

TEST(MannWhitney, ExactTailsMatchPublishedCriticalValues) {
  // Critical values of U for equal sample sizes (two-tailed alpha = 0.05 and 0.01; e.g. Zar,
  // Biostatistical Analysis, table B.11): the largest U with P(U <= crit) <= alpha/2. By symmetry
  // the one-sided p that current is larger, at U' = n1 n2 - crit, is <= alpha/2, and one step
  // less extreme it is above.
  struct Row {
    int n, crit_05, crit_01;
  };
  for (Row row : {Row{5, 2, 0}, Row{6, 5, 2}, Row{8, 13, 7}, Row{10, 23, 16}, Row{20, 127, 105}}) {
    const int all = row.n * row.n;
    for (auto [crit, alpha] : {std::pair{row.crit_05, 0.05}, std::pair{row.crit_01, 0.01}}) {
      auto [baseline, current] = samples_with_u(row.n, row.n, all - crit);
      RankTest at = mann_whitney_u(baseline, current);
      ASSERT_TRUE(at.exact);
      ASSERT_EQ(at.u, all - crit);
      EXPECT_LE(at.p_greater, alpha / 2) << "n = " << row.n << ", U = " << all - crit;
      auto [baseline2, current2] = samples_with_u(row.n, row.n, all - crit - 1);
      RankTest beyond = mann_whitney_u(baseline2, current2);
      EXPECT_GT(beyond.p_greater, alpha / 2) << "n = " << row.n << ", U = " << all - crit - 1;
    }
  }
  // P(U = 0) for 3 vs 3 is 1 / C(6, 3) = 0.05.
  auto [baseline, current] = samples_with_u(3, 3, 9);
  EXPECT_NEAR(mann_whitney_u(baseline, current).p_greater, 0.05, 1e-12);
}

TEST(MannWhitney, NormalApproximationWithTies) {
  // Ties force the approximation. 6 vs 6 with the current sample clearly larger.
  RankTest test = mann_whitney_u({1, 1, 2, 2, 3, 3}, {3, 4, 4, 5, 5, 6});
  EXPECT_FALSE(test.exact);
  // Ranks: 1,1 -> 1.5; 2,2 -> 3.5; 3,3,3 -> 6; 4,4 -> 8.5; 5,5 -> 10.5; 6 -> 12.
  // Current rank sum = 6 + 8.5*2 + 10.5*2 + 12 = 56, U = 56 - 21 = 35 of 36.
  EXPECT_DOUBLE_EQ(test.u, 35);
  // sigma^2 = 36/12 * (13 - (3*6 + 24 + 4*6)... computed: tie term = 6+6+24+6+6 = 48;
  // 3 * (13 - 48/132) = 37.909..., z = (35 - 18 - 0.5)/6.1571 = 2.6798, p = 0.003683.
  EXPECT_NEAR(test.p_greater, 0.003683, 2e-5);
  EXPECT_TRUE(mann_whitney_u({2, 2, 2}, {2, 2}).p_greater == 1);  // all tied: no evidence
  EXPECT_EQ(mann_whitney_u({}, {1}).p_greater, 1);
}

TEST(MannWhitney, SameDistributionIsNotSignificant) {
  std::mt19937 random(7);
  std::normal_distribution<double> noise(1.0, 0.1);
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) a.push_back(noise(random)), b.push_back(noise(random));
  RankTest test = mann_whitney_u(a, b);
  EXPECT_GT(test.p_two_sided, 0.01);
}

TEST(Slowdown, NeedsSignificanceAndSize) {
  std::mt19937 random(11);
  std::normal_distribution<double> noise(0, 0.02);
  auto sample = [&](double center, int count) {
    std::vector<double> values;
    for (int i = 0; i < count; ++i) values.push_back(center + noise(random));
    return values;
  };
  std::vector<double> baseline = sample(1.0, 20);
  SlowdownVerdict slower = detect_slowdown(baseline, sample(1.5, 20));
  EXPECT_TRUE(slower.slowdown);
  EXPECT_NEAR(slower.ratio, 1.5, 0.05);
  EXPECT_FALSE(detect_slowdown(baseline, sample(1.0, 20)).slowdown);
  EXPECT_FALSE(detect_slowdown(baseline, sample(0.7, 20)).slowdown);        // faster
  SlowdownVerdict tiny = detect_slowdown(baseline, sample(1.05, 20));       // significant, small
  EXPECT_LT(tiny.test.p_greater, 0.01);
  EXPECT_FALSE(tiny.slowdown);
  EXPECT_FALSE(detect_slowdown({1, 1.01, 0.99}, {2, 2.01, 1.99}).slowdown);  // too few samples
}

TEST(Statistics, HistogramsReadInNumericOrder) {
  std::vector<NormalizedRun> runs(5);
  double values[] = {10, 2, 0, 2, 1.5};
  for (int i = 0; i < 5; ++i) {
    runs[i].metrics["n"] = values[i];
    runs[i].outcome = Outcome::parse(i == 0 ? "signal:SIGSEGV" : "exit:0");
  }
  std::vector<std::pair<std::string, int>> ordered;
  std::map<std::string, Histogram> histograms = metric_histograms(runs);
  for (const auto& entry : histograms.at("n")) ordered.push_back(entry);
  EXPECT_EQ(ordered, (std::vector<std::pair<std::string, int>>{{"0", 1}, {"1.5", 1}, {"2", 2}, {"10", 1}}));
  EXPECT_EQ(outcome_histogram(runs).begin()->first, "exit:0");
  Histogram mixed{{"b", 1}, {"10", 1}, {"9", 1}, {"a", 1}};
  std::vector<std::string> keys;
  for (const auto& [key, count] : mixed) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"9", "10", "a", "b"}));
}
