// The distribution comparison of racy cases on synthetic histograms with known answers: exact
// permutation p-values, support divergences and their Fisher p-values, the choice of test, and the
// false-alarm rate and power of both checks on simulated runs (fixed seeds: every figure here is
// deterministic).

#include "distribution_comparison.hpp"

#include <gtest/gtest.h>

#include <functional>
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

// One run's value of a variable, drawn from a source.
using Source = std::function<int(std::mt19937&)>;

Source binomial(int trials, double share) {
  return [=](std::mt19937& random) { return std::binomial_distribution<int>(trials, share)(random); };
}

// Of `pairs` simulated comparisons, each of `runs` runs a side drawn from python's and cpp's
// sources, how many `flagged` holds for.
int pairs_flagged(int pairs, int runs, unsigned seed, const Source& python_source, const Source& cpp_source,
                  const std::function<bool(const VariableComparison&)>& flagged, const DistributionOptions& options) {
  std::mt19937 random(seed);
  int count = 0;
  for (int pair = 0; pair < pairs; ++pair) {
    Histogram python, cpp;
    for (int run = 0; run < runs; ++run) {
      ++python[std::to_string(python_source(random))];
      ++cpp[std::to_string(cpp_source(random))];
    }
    if (flagged(compare_one(python, cpp, options))) ++count;
  }
  return count;
}

bool support_diverges(const VariableComparison& comparison) {
  return !comparison.only_python.empty() || !comparison.only_cpp.empty();
}

// Only the support check: no relabelling (p_value stays 1).
DistributionOptions support_only() {
  DistributionOptions options;
  options.permutations = 0;
  return options;
}

TEST(DistributionComparison, DisjointSamplesDivergeInSupportAndTest) {
  VariableComparison result = compare_one(histogram({{"0", 30}}), histogram({{"10", 30}}));
  EXPECT_EQ(result.test, "chi-square");
  ASSERT_EQ(result.only_python.size(), 1u);
  EXPECT_EQ(result.only_python[0].value, "0");
  ASSERT_EQ(result.only_cpp.size(), 1u);
  EXPECT_EQ(result.only_cpp[0].value, "10");
  EXPECT_LT(result.p_value, 0.001);
  EXPECT_NE(describe(result).find("only python: 0 (30/30 runs, absent from cpp's 30: p = 8.5e-18 < 0.001/2 values)"),
            std::string::npos)
      << describe(result);
  EXPECT_EQ(histograms_text(result), "python {0: 30} / cpp {10: 30}");
}

TEST(DistributionComparison, IdenticalSamplesHavePOne) {
  VariableComparison result = compare_one(histogram({{"0", 13}, {"3", 4}, {"10", 13}}),
                                          histogram({{"0", 13}, {"3", 4}, {"10", 13}}));
  EXPECT_DOUBLE_EQ(result.statistic, 0);
  EXPECT_DOUBLE_EQ(result.p_value, 1);
  EXPECT_TRUE(result.only_python.empty());
  EXPECT_TRUE(result.only_cpp.empty());
  EXPECT_NE(describe(result).find("no support divergence"), std::string::npos);
}

// 5 runs of A against 5 of B: of the C(10,5) = 252 equally likely labellings, exactly two (the
// observed one and its mirror) separate the values completely, so the exact p-value is 2/252.
TEST(DistributionComparison, PermutationPValueMatchesTheExactOne) {
  VariableComparison result = compare_one(histogram({{"A", 5}}), histogram({{"B", 5}}));
  EXPECT_NEAR(result.p_value, 2.0 / 252, 0.003);
}

// The support p-value is the one-sided Fisher exact test of a 2x2 table with an empty cell.
TEST(DistributionComparison, AbsencePValueIsFishersExact) {
  EXPECT_DOUBLE_EQ(absence_p_value(1, 3, 3), 0.5);          // C(3,1)/C(6,1)
  EXPECT_DOUBLE_EQ(absence_p_value(3, 3, 3), 1.0 / 20);     // C(3,3)/C(6,3)
  EXPECT_DOUBLE_EQ(absence_p_value(5, 5, 5), 1.0 / 252);    // C(5,5)/C(10,5)
  EXPECT_NEAR(absence_p_value(13, 30, 30), 119759850.0 / 5166863427600.0, 1e-12);  // C(30,13)/C(60,13)
  EXPECT_DOUBLE_EQ(absence_p_value(2, 10, 5), 45.0 / 105);  // C(10,2)/C(15,2)
  EXPECT_DOUBLE_EQ(absence_p_value(0, 10, 10), 1);
  // Two values, all on one side: p below alpha / 2.
  EXPECT_EQ(fewest_runs_for(0.001), 7);  // 1/C(12,6) = 0.0011, 1/C(14,7) = 0.00029
  EXPECT_EQ(fewest_runs_for(0.01), 5);   // 1/C(8,4) = 0.014, 1/C(10,5) = 0.004
  EXPECT_EQ(fewest_runs_for(0.05), 4);   // 1/C(6,3) = 0.05, 1/C(8,4) = 0.014
}

// An absence that chance explains is not a divergence; one it does not, is.
TEST(DistributionComparison, ChanceAbsencesAreNotSupportDivergences) {
  // map_input_order's finish ranks: CPython in input order in 1 of 3 runs, mp in none (p = 0.5).
  EXPECT_TRUE(compare_one(histogram({{"0", 2}, {"1", 1}}), histogram({{"0", 3}})).only_python.empty());
  EXPECT_TRUE(compare_one(histogram({{"0", 24}, {"5", 6}}), histogram({{"0", 30}})).only_python.empty());  // p = 0.012
  // get_nowait_after_put: CPython sees all 10 items in 13 of 30 runs, mp in none.
  VariableComparison real = compare_one(histogram({{"0", 13}, {"3", 4}, {"10", 13}}), histogram({{"0", 30}}));
  ASSERT_EQ(real.only_python.size(), 1u);
  EXPECT_EQ(real.only_python[0].value, "10");
  EXPECT_EQ(real.only_python[0].shown, 13);
  EXPECT_NEAR(real.only_python[0].p_value, 2.3e-5, 0.1e-5);
  EXPECT_NE(describe(real).find("only python: 10 (13/30 runs, absent from cpp's 30: p = 2.3e-05 < 0.001/3 values)"),
            std::string::npos)
      << describe(real);
  // The level is the case's: at 0.05, 6 of 30 against none (p = 0.012 < 0.05 / 2 values) is one.
  DistributionOptions lenient;
  lenient.alpha = 0.05;
  VariableComparison common = compare_one(histogram({{"0", 24}, {"5", 6}}), histogram({{"0", 30}}), lenient);
  ASSERT_EQ(common.only_python.size(), 1u);
  EXPECT_NE(describe(common).find("p = 0.012 < 0.05/2 values"), std::string::npos) << describe(common);
}

// Two sides with one distribution: the support check flags a variable in fewer than alpha = 0.001
// of the comparisons, whatever the share of a rarer value and the number of runs. Exactly, the
// worst share of a two-valued variable gives 0 at N = 3 and 5, 0.0002 at 10, 0.0004 at 30; six
// equally likely values at N = 30 would give 0.0026 without the division of alpha by the values
// (the test of each value is at level alpha), 0.0003 with it. The rule this replaced (a value in
// >= 20% of one side's runs the other never shows) flagged up to 51% of two-valued comparisons at
// N = 3, 50% at 5, 19% at 10 and 0.6% at 30.
TEST(DistributionComparison, SupportFalseAlarmsUnderOneDistributionStayBelowAlpha) {
  constexpr int pairs = 20000;
  for (int runs : {3, 5, 10, 30}) {
    int flagged = 0;
    for (double share : {0.1, 0.25, 0.5, 0.75, 0.9})
      flagged += pairs_flagged(pairs, runs, 3, binomial(1, share), binomial(1, share), support_diverges,
                               support_only());
    EXPECT_LT(flagged, 5 * pairs / 1000) << runs << " runs a side";  // 5 shares: alpha is 100
  }
  const Source six_values = [](std::mt19937& random) { return std::uniform_int_distribution<int>(1, 6)(random); };
  for (const Source& source : {six_values, binomial(10, 0.3)})
    EXPECT_LT(pairs_flagged(pairs, 30, 5, source, source, support_diverges, support_only()), pairs / 1000);
}

// And a real gap is found. At alpha = 0.001 a value of a two-valued variable absent from the other
// side's N runs must show in at least 10 of 30 runs (8 of 10): one CPython shows in 43% of its
// runs (get_nowait_after_put's 13 of 30) is flagged in 90% of comparisons of 30 runs a side; one
// in 90% of 10 runs, in 93%.
TEST(DistributionComparison, SupportCheckFindsRealGaps) {
  auto sometimes_ten = [](double share) {
    return Source([=](std::mt19937& random) { return std::bernoulli_distribution(share)(random) ? 10 : 0; });
  };
  const Source never = [](std::mt19937&) { return 0; };
  EXPECT_GE(pairs_flagged(1000, 30, 9, sometimes_ten(0.43), never, support_diverges, support_only()), 850);
  EXPECT_GE(pairs_flagged(1000, 10, 9, never, sometimes_ten(0.9), support_diverges, support_only()), 900);
}

bool p_below(const VariableComparison& comparison, double alpha) { return comparison.p_value < alpha; }

// Two sides drawing from one source: at alpha = 0.05 the test may flag about 5% of pairs and no
// more (the permutation test is exact, and conservative on discrete data). 200 fixed-seed pairs.
TEST(DistributionComparison, OneSourceRarelyFlagged) {
  DistributionOptions options;
  options.permutations = 999;
  const int flagged = pairs_flagged(200, 30, 7, binomial(10, 0.3), binomial(10, 0.3),
                                    [](const VariableComparison& c) { return p_below(c, 0.05); }, options);
  EXPECT_LE(flagged, 16);  // 5% is 10; binomial(200, 0.05) exceeds 16 with probability < 0.03
}

// And a real difference of the same size is caught in nearly every pair (the test's power).
TEST(DistributionComparison, ShiftedSourceUsuallyFlagged) {
  DistributionOptions options;
  options.permutations = 999;
  const int flagged = pairs_flagged(50, 30, 11, binomial(10, 0.3), binomial(10, 0.6),
                                    [](const VariableComparison& c) { return p_below(c, 0.01); }, options);
  EXPECT_GE(flagged, 48);
}

TEST(DistributionComparison, OnlyVariablesBothSidesReport) {
  auto comparisons = compare_distributions(histogram({{"exit:0", 10}}), histogram({{"exit:0", 8}, {"hang", 2}}),
                                           {{"a", histogram({{"1", 10}})}, {"b", histogram({{"1", 10}})}},
                                           {{"a", histogram({{"1", 10}})}});
  ASSERT_EQ(comparisons.size(), 2u);
  EXPECT_EQ(comparisons[0].name, "outcome");
  EXPECT_TRUE(comparisons[0].only_cpp.empty());  // 2 of 10 runs against none: p = 0.24
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
