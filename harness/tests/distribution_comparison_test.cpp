// The distribution comparison of racy cases on synthetic histograms with known answers: exact
// permutation p-values, support divergences, the choice of test, and the false-alarm rate of two
// samples from one source (fixed seeds: every figure here is deterministic).

#include "distribution_comparison.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace parity {
namespace {

Histogram histogram(std::initializer_list<std::pair<const std::string, int>> counts) { return Histogram(counts); }

VariableComparison compare_one(const Histogram& python, const Histogram& cpp, DistributionOptions options = {}) {
  auto comparisons = compare_distributions(histogram({{"exit:0", 1}}), histogram({{"exit:0", 1}}),
                                           {{"value", python}}, {{"value", cpp}}, options);
  EXPECT_EQ(comparisons.size(), 2u);
  return comparisons.back();
}

TEST(DistributionComparison, DisjointSamplesDivergeInSupportAndTest) {
  VariableComparison result = compare_one(histogram({{"0", 30}}), histogram({{"10", 30}}));
  EXPECT_EQ(result.test, "chi-square");
  EXPECT_EQ(result.only_python, std::vector<std::string>{"0"});
  EXPECT_EQ(result.only_cpp, std::vector<std::string>{"10"});
  EXPECT_LT(result.p_value, 0.001);
  EXPECT_NE(describe(result).find("only python: 0 (30/30 runs)"), std::string::npos) << describe(result);
  EXPECT_EQ(histograms_text(result), "python {0: 30} / cpp {10: 30}");
}

TEST(DistributionComparison, IdenticalSamplesHavePOne) {
  VariableComparison result = compare_one(histogram({{"0", 13}, {"3", 4}, {"10", 13}}),
                                          histogram({{"0", 13}, {"3", 4}, {"10", 13}}));
  EXPECT_DOUBLE_EQ(result.statistic, 0);
  EXPECT_DOUBLE_EQ(result.p_value, 1);
  EXPECT_TRUE(result.only_python.empty());
  EXPECT_TRUE(result.only_cpp.empty());
  EXPECT_NE(describe(result).find("same support"), std::string::npos);
}

// 5 runs of A against 5 of B: of the C(10,5) = 252 equally likely labellings, exactly two (the
// observed one and its mirror) separate the values completely, so the exact p-value is 2/252.
TEST(DistributionComparison, PermutationPValueMatchesTheExactOne) {
  VariableComparison result = compare_one(histogram({{"A", 5}}), histogram({{"B", 5}}));
  EXPECT_NEAR(result.p_value, 2.0 / 252, 0.003);
}

// A value one side shows in fewer than min_share of its runs is not a support divergence.
TEST(DistributionComparison, RareValuesAreNotSupportDivergences) {
  VariableComparison rare = compare_one(histogram({{"0", 28}, {"5", 2}}), histogram({{"0", 30}}));
  EXPECT_TRUE(rare.only_python.empty());
  VariableComparison common = compare_one(histogram({{"0", 24}, {"5", 6}}), histogram({{"0", 30}}));
  EXPECT_EQ(common.only_python, std::vector<std::string>{"5"});
  DistributionOptions strict;
  strict.min_share = 0.05;
  EXPECT_EQ(compare_one(histogram({{"0", 28}, {"5", 2}}), histogram({{"0", 30}}), strict).only_python,
            std::vector<std::string>{"5"});
}

TEST(DistributionComparison, ManyNumericValuesUseKolmogorovSmirnov) {
  std::mt19937 random(1);
  std::uniform_real_distribution<double> low(0, 1), high(0.6, 1.6);
  Histogram python, cpp;
  for (int i = 0; i < 30; ++i) {
    ++python[std::to_string(low(random))];
    ++cpp[std::to_string(high(random))];
  }
  VariableComparison result = compare_one(python, cpp);
  EXPECT_EQ(result.test, "Kolmogorov-Smirnov");
  EXPECT_GT(result.statistic, 0.5);
  EXPECT_LT(result.p_value, 0.01);
}

// Two sides drawing from one source: at alpha = 0.05 the test may flag about 5% of pairs and no
// more (the permutation test is exact, and conservative on discrete data). 200 fixed-seed pairs.
TEST(DistributionComparison, OneSourceRarelyFlagged) {
  std::mt19937 random(7);
  std::binomial_distribution<int> items(10, 0.3);
  DistributionOptions options;
  options.permutations = 999;
  int flagged = 0;
  for (int pair = 0; pair < 200; ++pair) {
    Histogram python, cpp;
    for (int run = 0; run < 30; ++run) {
      ++python[std::to_string(items(random))];
      ++cpp[std::to_string(items(random))];
    }
    if (compare_one(python, cpp, options).p_value < 0.05) ++flagged;
  }
  EXPECT_LE(flagged, 16);  // 5% is 10; binomial(200, 0.05) exceeds 16 with probability < 0.03
}

// And a real difference of the same size is caught in nearly every pair (the test's power).
TEST(DistributionComparison, ShiftedSourceUsuallyFlagged) {
  std::mt19937 random(11);
  std::binomial_distribution<int> before(10, 0.3), after(10, 0.6);
  DistributionOptions options;
  options.permutations = 999;
  int flagged = 0;
  for (int pair = 0; pair < 50; ++pair) {
    Histogram python, cpp;
    for (int run = 0; run < 30; ++run) {
      ++python[std::to_string(before(random))];
      ++cpp[std::to_string(after(random))];
    }
    if (compare_one(python, cpp, options).p_value < 0.01) ++flagged;
  }
  EXPECT_GE(flagged, 48);
}

TEST(DistributionComparison, OnlyVariablesBothSidesReport) {
  auto comparisons = compare_distributions(histogram({{"exit:0", 10}}), histogram({{"exit:0", 8}, {"hang", 2}}),
                                           {{"a", histogram({{"1", 10}})}, {"b", histogram({{"1", 10}})}},
                                           {{"a", histogram({{"1", 10}})}});
  ASSERT_EQ(comparisons.size(), 2u);
  EXPECT_EQ(comparisons[0].name, "outcome");
  EXPECT_EQ(comparisons[0].only_cpp, std::vector<std::string>{"hang"});  // 2 of 10 runs: 20%
  EXPECT_EQ(comparisons[1].name, "a");
  EXPECT_TRUE(compare_distributions({}, histogram({{"exit:0", 1}}), {}, {}).empty());
}

TEST(DistributionComparison, ResultsAreReproducible) {
  const Histogram python = histogram({{"0", 10}, {"1", 12}, {"2", 8}});
  const Histogram cpp = histogram({{"0", 14}, {"1", 9}, {"2", 7}});
  EXPECT_EQ(compare_one(python, cpp).p_value, compare_one(python, cpp).p_value);
}

}  // namespace
}  // namespace parity
