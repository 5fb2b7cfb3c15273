#pragma once
// Comparing two runs (`parity compare BASE.json NEW.json`, `parity run --baseline`,
// `parity run --against-build`): per case x start method x implementation, the conformance
// transition (PASS -> FAIL is a regression, FAIL -> PASS a fix) and, per @sample metric, whether
// it got significantly slower or faster.
//
// A metric changed when the one-sided Mann-Whitney U test on the pooled samples of every run gives
// p < max_p AND the medians differ by more than min_effect (the cost ratio new/base beyond
// 1 + min_effect, or below 1 / (1 + min_effect)): significance alone would flag a 1% shift on a
// quiet machine, size alone any noisy one.
//
// Where the cpp side measured an operation X beside its raw OS floor (`floor.X`, batches
// alternating), each batch's cost relative to the floor is a metric of its own, "X/floor"
// (X_i / floor.X_i; for rates floor.X_i / X_i): a busy machine slows the operation and its floor
// alike, so this ratio holds still where the raw times jump with the load, and it moves exactly
// when mp's own cost does.
//
// The gate (what makes `compare` exit 1) is the regressions and the slowdowns of mp's own
// operations: on the cpp side, X/floor where there is one, else X (never floor.X). CPython's
// metrics, the floors and the raw times of floored operations are shown beside them, as evidence
// of a machine that changed between the runs, but never fail it.

#include <map>
#include <ostream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "case_result.hpp"
#include "sample_statistics.hpp"

namespace parity {

// What a comparison needs of one result.
struct ComparableResult {
  ResultCode code = ResultCode::unresolved;
  std::map<std::string, std::vector<double>> samples;      // every run's samples, pooled
  std::map<std::string, std::vector<double>> run_medians;  // one median per run that had the metric
  std::map<std::string, std::string> units;
};

// Adds one run's samples to the pooled ones, and for each operation X that has floor.X with as
// many samples in the same unit, the batch-by-batch costs relative to the floor as "X/floor" (X
// and floor.X alternate, so batch i of each saw the same machine).
void add_run_samples(ComparableResult& result, const std::map<std::string, std::vector<double>>& samples,
                     const std::map<std::string, std::string>& units);

using ResultKey = std::tuple<std::string, StartMethod, Impl>;  // case id, start method, impl

struct ComparableRun {
  std::string label;  // shown in headers: "a1b2c3d4e5f6 (2026-05-01T10:00:00Z)", or a path
  std::map<ResultKey, ComparableResult> results;
};

// From a JSON report (docs/report-schema.md); label_fallback when it has no commit to show.
// Throws std::runtime_error naming what is wrong.
ComparableRun comparable_from_json(const nlohmann::json& report, const std::string& label_fallback);
// Reads and parses a results.json. Throws std::runtime_error naming the file.
ComparableRun comparable_from_file(const std::string& path);
// From results in memory (the run that just ended).
ComparableRun comparable_from_results(const std::vector<CaseResult>& results, const std::string& label);

struct GateOptions {
  double max_p = 0.01;       // one-sided p must be below this
  double min_effect = 0.10;  // and the median must move by more than this fraction
  int min_samples = 5;       // per side; fewer are never called a change
  // With at least min_runs runs a side, the change must also show between the runs: the one-sided
  // U test on the runs' medians gives p <= runs_max_p (3 runs a side: every new run beyond every
  // base run). The samples of one process share its luck with the scheduler; this keeps one
  // unlucky process from passing for a change.
  int min_runs = 3;
  double runs_max_p = 0.05;
};

enum class Transition {
  regression,  // a success (PASS, XFAIL, SKIP) became a failure
  fix,         // a failure became a success
  changed,     // another change of code (FAIL -> CRASH, PASS -> XFAIL, ...)
  added,       // only in the new run
  removed,     // only in the base run
};
std::string to_string(Transition transition);

struct ConformanceChange {
  ResultKey key;
  std::optional<ResultCode> base_code;  // empty when added
  std::optional<ResultCode> new_code;   // empty when removed
  Transition transition = Transition::changed;
};

// not_in_every_run: significant in the pooled samples, but the runs' medians disagree (GateOptions).
enum class MetricVerdict { slowdown, speedup, unchanged, not_in_every_run, too_few_samples, units_differ };
std::string to_string(MetricVerdict verdict);

struct MetricChange {
  ResultKey key;
  std::string metric;
  std::string unit;
  SampleSummary base;
  SampleSummary current;
  // new cost / base cost: new/base median for times, base/new for rates (items/s, B/s), so > 1 is
  // always slower. With its bootstrap 95% CI.
  std::optional<RatioEstimate> cost_ratio;
  double p = 1;  // one-sided p of the verdict's direction (of a slowdown when unchanged)
  std::optional<double> runs_p;  // the same on the runs' medians, when both sides had min_runs
  MetricVerdict verdict = MetricVerdict::unchanged;
  bool gated = false;  // counts for the gate (see the top of this file)
};

struct RunComparison {
  std::string base_label;
  std::string new_label;
  GateOptions options;
  std::vector<ConformanceChange> conformance;  // only results whose code changed
  std::vector<MetricChange> metrics;           // every metric present in both runs
  int regressions() const;
  int gated_slowdowns() const;
  bool failed() const { return regressions() > 0 || gated_slowdowns() > 0; }
};

// The comparison for people: conformance transitions, then one row per metric (base and new medians
// with their 95% CIs, the cost ratio with its CI, p, the verdict), then the gate's conclusion.
// Console text (color: ANSI, for a TTY) or GitHub-flavoured Markdown for a pull-request comment or
// a CI job summary (unchanged metrics folded into a <details> block).
void print_comparison(std::ostream& out, const RunComparison& comparison, bool color = false);
void print_comparison_markdown(std::ostream& out, const RunComparison& comparison);

RunComparison compare_reports(const ComparableRun& base, const ComparableRun& current,
                              const GateOptions& options = {});

// Whether a rate (items/s, B/s: larger is faster) rather than a time or a cost (larger is slower).
bool is_rate_unit(const std::string& unit);

// The name suffix and unit of the floor-relative metric ("put/floor", "x floor").
inline constexpr const char* floor_suffix = "/floor";
inline constexpr const char* floor_relative_unit = "x floor";

}  // namespace parity
