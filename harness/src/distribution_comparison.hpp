#pragma once
// Racy cases: the distribution of each side's N runs against the other's, for the outcome and for
// each @metric. Two questions, each answered for every variable both sides report:
//   support  a value one side shows in some of its runs that the other side never shows in its
//            own, where that absence is unlikely if both sides drew from one distribution: a
//            one-sided Fisher exact test of the 2x2 table (shows / does not show x side), whose
//            p-value with no run of the other side showing it is C(N, k) / C(N + M, k) for a value
//            shown in k of this side's N runs and none of the other's M. Each value both sides
//            show of a variable is a test, so a gap is a divergence when p < alpha / V, V the
//            number of distinct values (Bonferroni: one variable of one distribution is flagged
//            in about alpha of comparisons or fewer, however many values it takes). mp never
//            seeing an item after put where CPython sees 10 in 13 of 30 runs has p = 2.3e-5;
//            one run in three against none in three (p = 0.5) is chance;
//   test     do the two samples come from one distribution? A permutation test with a fixed seed
//            (so a result is reproducible): the chi-square statistic of the value x side table for
//            outcomes and metrics with few distinct values, the two-sample Kolmogorov-Smirnov
//            statistic for numeric metrics with many. The p-value is (1 + permutations at least as
//            extreme) / (1 + permutations): exact in distribution, valid for any N, no table.
// A case chooses which one judges it in [expect.distribution] (case_spec.hpp); every comparison is
// reported either way.

#include <map>
#include <string>
#include <vector>

#include "histogram.hpp"

namespace parity {

// The significance level of the support check (per variable) and of the permutation test, the
// default of [expect.distribution] (case_spec.hpp). At 0.001 two sides of one distribution are
// flagged in under 0.05% of comparisons of a variable at N = 3, 5, 10 and 30 runs a side, for
// every share tried (distribution_comparison_test.cpp measures it).
inline constexpr double default_alpha = 0.001;

// A value one side shows that the other side never shows, and how likely that absence is when
// both sides draw from one distribution.
struct SupportGap {
  std::string value;
  int shown = 0;       // runs of this side that showed the value
  int runs = 0;        // this side's runs
  int other_runs = 0;  // the other side's runs, none of which showed it
  double p_value = 1;  // absence_p_value(shown, runs, other_runs)
};

struct VariableComparison {
  std::string name;                   // "outcome", or the metric's name
  Histogram python, cpp;              // value -> runs
  std::vector<SupportGap> only_python;  // python shows, cpp never does, with p < gap_level
  std::vector<SupportGap> only_cpp;     // the same the other way round
  double alpha = default_alpha;         // the variable's level
  double gap_level = default_alpha;     // each value's: alpha / the distinct values both show
  std::string test;                     // "chi-square" or "Kolmogorov-Smirnov"
  double statistic = 0;
  double p_value = 1;                   // at least 1 / (1 + permutations)
  int permutations = 0;
};

struct DistributionOptions {
  double alpha = default_alpha;  // support: a gap is a divergence below alpha / distinct values
  int permutations = 9999;
  unsigned seed = 20261126;
};

// Every variable both sides report (a metric only one side reports is not comparable and is left
// out: a missing metric is the verdict's business). Sides with no runs give no comparisons.
std::vector<VariableComparison> compare_distributions(
    const Histogram& python_outcomes, const Histogram& cpp_outcomes,
    const std::map<std::string, Histogram>& python_metrics,
    const std::map<std::string, Histogram>& cpp_metrics, const DistributionOptions& options = {});

// The one-sided Fisher exact p-value of a value seen in `shown` of one side's `runs` runs and in
// none of the other side's `other_runs`: the chance, given how many runs showed it in all, that
// every one of them fell on this side, C(runs, shown) / C(runs + other_runs, shown). 1 when shown
// is 0.
double absence_p_value(int shown, int runs, int other_runs);

// The fewest runs a side at which a value all runs of one side show and no run of the other does
// (two values: p < alpha / 2) is a divergence; with fewer, no support divergence can be found. 7
// at alpha = 0.001 (1/C(14, 7) = 0.00029, where 6 runs give 1/C(12, 6) = 0.0011).
int fewest_runs_for(double alpha);

// One line for a report: "outcome: p = 0.41 (chi-square), no support divergence" or
// "visible_after_put: p <= 0.0001 (chi-square); only python: 10 (13/30 runs, absent from cpp's 30:
// p = 2.3e-05 < 0.001/3 values)" (<= where no
// permutation was as extreme: the smallest p-value the permutations can show). Histograms are
// reported separately.
std::string describe(const VariableComparison& comparison);

// "p = 0.41", or "p <= 0.0001" where no relabelling was as extreme as the runs (the smallest
// p-value `permutations` relabellings can show).
std::string p_value_text(double p_value, int permutations);

// "python {0: 13, 10: 13, 3: 4} / cpp {0: 30}".
std::string histograms_text(const VariableComparison& comparison);

}  // namespace parity
