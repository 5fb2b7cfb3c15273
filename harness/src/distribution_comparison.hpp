#pragma once
// Racy cases: the distribution of each side's N runs against the other's, for the outcome and for
// each @metric. Two questions, each answered for every variable both sides report:
//   support  a value one side shows in at least `min_share` of its runs that the other side never
//            shows (mp never sees an item after put where CPython does in half its runs);
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

struct VariableComparison {
  std::string name;                     // "outcome", or the metric's name
  Histogram python, cpp;                // value -> runs
  std::vector<std::string> only_python;  // shown in >= min_share of python's runs, never by cpp
  std::vector<std::string> only_cpp;     // the same the other way round
  std::string test;                     // "chi-square" or "Kolmogorov-Smirnov"
  double statistic = 0;
  double p_value = 1;                   // at least 1 / (1 + permutations)
  int permutations = 0;
};

struct DistributionOptions {
  double min_share = 0.2;  // support: a value must reach this share of one side's runs to count
  int permutations = 9999;
  unsigned seed = 20261126;
};

// Every variable both sides report (a metric only one side reports is not comparable and is left
// out: a missing metric is the verdict's business). Sides with no runs give no comparisons.
std::vector<VariableComparison> compare_distributions(
    const Histogram& python_outcomes, const Histogram& cpp_outcomes,
    const std::map<std::string, Histogram>& python_metrics,
    const std::map<std::string, Histogram>& cpp_metrics, const DistributionOptions& options = {});

// One line for a report: "outcome: p = 0.41 (chi-square), same support" or
// "visible_after_put: p <= 0.0001 (chi-square); only python: 10 (13/30 runs)" (<= where no
// permutation was as extreme: the smallest p-value the permutations can show). Histograms are
// reported separately.
std::string describe(const VariableComparison& comparison);

// "p = 0.41", or "p <= 0.0001" where no relabelling was as extreme as the runs (the smallest
// p-value `permutations` relabellings can show).
std::string p_value_text(double p_value, int permutations);

// "python {0: 13, 10: 13, 3: 4} / cpp {0: 30}".
std::string histograms_text(const VariableComparison& comparison);

}  // namespace parity
