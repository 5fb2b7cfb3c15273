#pragma once
// What the runner concludes, per case x start method x implementation: plain data for reporters.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_spec.hpp"
#include "distribution_comparison.hpp"
#include "histogram.hpp"
#include "result_code.hpp"
#include "run_record.hpp"
#include "sample_statistics.hpp"

namespace parity {

// One run after normalization.
struct NormalizedRun {
  RunRecord record;
  std::vector<std::string> lines;                  // normalized stdout, @metric/@sample removed
  std::map<std::string, double> metrics;           // @metric NAME VALUE [UNIT]
  std::map<std::string, std::string> metric_units;
  std::vector<std::string> malformed_metrics;      // "@metric" lines that do not parse (raw)
  std::map<std::string, std::vector<double>> samples;  // @sample NAME VALUE UNIT, in printed order
  std::map<std::string, std::string> sample_units;     // sample name -> its one unit
  std::vector<std::string> malformed_samples;      // "@sample" lines that do not parse (raw)
  std::optional<Outcome> outcome;                  // empty: the program never started
};


// A benchmark operation of a cpp result (a sample name X with no "floor." prefix): mp against
// CPython (median of X on the cpp side / on the python side) and against the raw OS floor measured
// in the same program (median of X / median of floor.X), each with its bootstrap 95% CI. Ratios of
// the values as printed: for times < 1 means mp is faster, for rates (items/s, B/s) > 1 does.
struct OperationRatios {
  std::optional<RatioEstimate> to_python;
  std::optional<RatioEstimate> to_floor;
};

struct CaseResult {
  std::string case_id;
  StartMethod start_method = StartMethod::fork;
  Impl impl = Impl::python;
  ResultCode code = ResultCode::unresolved;
  std::vector<std::string> reasons;  // why it is not PASS: one line each
  std::string diff;                  // unified diff against the other implementation / reference
  std::string override_reason;       // the override that applied, if any
  std::string expected_outcome;      // what the verdict expected: "exit:0", "exit:0 | hang"
  // The version axis (--python-versions): a python result of an axis interpreter carries its
  // version ("3.8.18"); the reference interpreter's results and cpp's leave it empty.
  std::string python_version;
  // An axis result that differs from the reference interpreter: the first differing lines of the
  // diff ("-x | +y"), else its first reason; empty when it holds.
  std::string first_difference;

  std::vector<NormalizedRun> runs;
  double median_wall_s = 0;
  std::optional<double> ratio_to_python;  // cpp results: median wall / python median wall
  std::map<std::string, SampleSummary> sample_summaries;  // @sample name -> every run's, pooled
  std::map<std::string, std::string> sample_units;
  std::map<std::string, OperationRatios> operation_ratios;  // cpp results of benchmark cases
  Histogram outcome_histogram;
  std::map<std::string, Histogram> metric_histograms;  // metric -> value -> runs
  std::vector<VariableComparison> distributions;  // cpp results of racy cases: against python's
};

}  // namespace parity
