#pragma once
// Small statistics over run samples: medians, histograms, the mp/CPython wall-time ratio, and a
// rank test for telling a real slowdown from noise.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_result.hpp"
#include "sample_statistics.hpp"  // median

namespace parity {

// A metric value as histograms and reasons print it: %.6g ("4", "0.25", "1e+06").
std::string format_metric_value(double value);

// Outcome strings of the runs -> number of runs.
Histogram outcome_histogram(const std::vector<NormalizedRun>& runs);
// For each metric any run reported: value (printed with %.6g) -> number of runs reporting it.
std::map<std::string, Histogram> metric_histograms(const std::vector<NormalizedRun>& runs);
// Median wall time (seconds) over the runs.
double median_wall_s(const std::vector<NormalizedRun>& runs);

// cpp median wall / python median wall: < 1 means mp is faster. Empty when either is not positive.
std::optional<double> wall_time_ratio(double cpp_median_s, double python_median_s);
// Sets cpp.ratio_to_python from both results' medians (left empty when a side has no runs).
void set_ratio_to_python(CaseResult& cpp, const CaseResult& python);

// Every run's samples of each name, concatenated in run order, and each name's unit.
std::map<std::string, std::vector<double>> pooled_samples(const std::vector<NormalizedRun>& runs);
// Sets result.sample_summaries and sample_units from its runs.
void summarize_samples(CaseResult& result);
// Sets cpp.operation_ratios for each sample name X of cpp without the "floor." prefix: to_python
// when python has X in the same unit, to_floor when cpp has floor.X in the same unit.
void set_operation_ratios(CaseResult& cpp, const CaseResult* python);

// Two-sample Mann-Whitney U test (Wilcoxon rank-sum), ties given their mean rank.
struct RankTest {
  double u = 0;                // U of the `current` sample
  double p_greater = 1;        // one-sided p: current tends to be larger than baseline
  double p_two_sided = 1;
  bool exact = false;          // exact distribution (small samples, no ties) vs normal approximation
};
// Exact p-values when n1 * n2 <= 400 (20 vs 20, 80 vs 5) and there are no ties; otherwise the
// normal approximation with tie and continuity correction. Empty samples give p = 1.
RankTest mann_whitney_u(const std::vector<double>& baseline, const std::vector<double>& current);

// A real slowdown: current's times are larger with p_greater < max_p AND the median grew by more
// than min_ratio (a significant but tiny shift is not a regression worth failing CI on).
struct SlowdownOptions {
  double max_p = 0.01;
  double min_ratio = 1.10;
  int min_samples = 5;  // per side; fewer cannot reach p < 0.01 and are never called a slowdown
};
struct SlowdownVerdict {
  bool slowdown = false;
  double ratio = 1;  // median(current) / median(baseline)
  RankTest test;
};
SlowdownVerdict detect_slowdown(const std::vector<double>& baseline_s,
                                const std::vector<double>& current_s,
                                const SlowdownOptions& options = {});

}  // namespace parity
