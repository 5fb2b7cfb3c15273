// compare_reports on synthetic runs: conformance transitions, significant slowdowns and speed-ups
// of times and rates, what counts for the gate, and reading reports from JSON.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <sstream>

#include "report_comparison.hpp"

using namespace parity;
using nlohmann::json;

namespace {

std::vector<double> noisy(double center, int count, unsigned seed, double spread = 0.03) {
  std::mt19937 random(seed);
  std::normal_distribution<double> noise(0, spread * center);
  std::vector<double> values;
  for (int i = 0; i < count; ++i) values.push_back(center + noise(random));
  return values;
}

// A result of one run with these samples (and their floor-relative costs, as the readers add).
ComparableResult result(ResultCode code, const std::map<std::string, std::vector<double>>& samples = {},
                        const std::map<std::string, std::string>& units = {}) {
  ComparableResult made;
  made.code = code;
  add_run_samples(made, samples, units);
  return made;
}

const ResultKey queue_cpp{"perf/queue", StartMethod::fork, Impl::cpp};
const ResultKey queue_python{"perf/queue", StartMethod::fork, Impl::python};

const MetricChange& metric_of(const RunComparison& comparison, const ResultKey& key, const std::string& name) {
  for (const auto& change : comparison.metrics)
    if (change.key == key && change.metric == name) return change;
  throw std::runtime_error("no metric " + name);
}

}  // namespace

TEST(ReportComparison, ConformanceTransitions) {
  ComparableRun base, current;
  auto key = [](const char* id) { return ResultKey{id, StartMethod::spawn, Impl::cpp}; };
  base.results[key("a/regressed")] = result(ResultCode::pass);
  current.results[key("a/regressed")] = result(ResultCode::fail);
  base.results[key("a/fixed")] = result(ResultCode::crash);
  current.results[key("a/fixed")] = result(ResultCode::pass);
  base.results[key("a/worse_failure")] = result(ResultCode::fail);
  current.results[key("a/worse_failure")] = result(ResultCode::crash);
  base.results[key("a/same")] = result(ResultCode::xfail);
  current.results[key("a/same")] = result(ResultCode::xfail);
  base.results[key("a/gone")] = result(ResultCode::pass);
  current.results[key("a/new")] = result(ResultCode::fail);

  RunComparison comparison = compare_reports(base, current);
  std::map<std::string, Transition> seen;
  for (const auto& change : comparison.conformance) seen[std::get<0>(change.key)] = change.transition;
  EXPECT_EQ(seen, (std::map<std::string, Transition>{{"a/regressed", Transition::regression},
                                                     {"a/fixed", Transition::fix},
                                                     {"a/worse_failure", Transition::changed},
                                                     {"a/gone", Transition::removed},
                                                     {"a/new", Transition::added}}));
  EXPECT_EQ(comparison.regressions(), 1);
  EXPECT_TRUE(comparison.failed());

  current.results[key("a/regressed")] = result(ResultCode::pass);
  EXPECT_FALSE(compare_reports(base, current).failed()) << "a new failing case is no regression";
}

TEST(ReportComparison, ThreeTimesSlowerIsASlowdownOfMp) {
  ComparableRun base, current;
  base.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(10, 30, 1)}}, {{"put", "us"}});
  current.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(30, 30, 2)}}, {{"put", "us"}});
  RunComparison comparison = compare_reports(base, current);
  const MetricChange& put = metric_of(comparison, queue_cpp, "put");
  EXPECT_EQ(put.verdict, MetricVerdict::slowdown);
  EXPECT_TRUE(put.gated);
  EXPECT_LT(put.p, 1e-6);
  ASSERT_TRUE(put.cost_ratio);
  EXPECT_NEAR(put.cost_ratio->ratio, 3, 0.15);
  EXPECT_LT(put.cost_ratio->low, put.cost_ratio->ratio);
  EXPECT_GT(put.cost_ratio->high, put.cost_ratio->ratio);
  EXPECT_EQ(comparison.gated_slowdowns(), 1);
  EXPECT_TRUE(comparison.failed());
  // The other way round it is a speed-up, which never fails.
  RunComparison reverse = compare_reports(current, base);
  EXPECT_EQ(metric_of(reverse, queue_cpp, "put").verdict, MetricVerdict::speedup);
  EXPECT_FALSE(reverse.failed());
}

TEST(ReportComparison, RatesAreSlowerWhenSmaller) {
  ComparableRun base, current;
  base.results[queue_cpp] = result(ResultCode::pass, {{"throughput", noisy(1e6, 20, 3)}}, {{"throughput", "items/s"}});
  current.results[queue_cpp] = result(ResultCode::pass, {{"throughput", noisy(0.5e6, 20, 4)}}, {{"throughput", "items/s"}});
  RunComparison comparison = compare_reports(base, current);
  const MetricChange& throughput = metric_of(comparison, queue_cpp, "throughput");
  EXPECT_EQ(throughput.verdict, MetricVerdict::slowdown);
  ASSERT_TRUE(throughput.cost_ratio);
  EXPECT_NEAR(throughput.cost_ratio->ratio, 2, 0.1);  // cost = 1/rate: twice as slow
  EXPECT_EQ(metric_of(compare_reports(current, base), queue_cpp, "throughput").verdict,
            MetricVerdict::speedup);
}

TEST(ReportComparison, OnlyMpsOwnOperationsGate) {
  ComparableRun base, current;
  base.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(10, 30, 5)}, {"floor.put", noisy(2, 30, 6)}},
                                   {{"put", "us"}, {"floor.put", "us"}});
  current.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(10, 30, 7)}, {"floor.put", noisy(6, 30, 8)}},
                                      {{"put", "us"}, {"floor.put", "us"}});
  base.results[queue_python] = result(ResultCode::pass, {{"put", noisy(20, 30, 9)}}, {{"put", "us"}});
  current.results[queue_python] = result(ResultCode::pass, {{"put", noisy(60, 30, 10)}}, {{"put", "us"}});
  RunComparison comparison = compare_reports(base, current);
  EXPECT_EQ(metric_of(comparison, queue_cpp, "put").verdict, MetricVerdict::unchanged);
  const MetricChange& floor = metric_of(comparison, queue_cpp, "floor.put");
  EXPECT_EQ(floor.verdict, MetricVerdict::slowdown);
  EXPECT_FALSE(floor.gated);
  const MetricChange& cpython = metric_of(comparison, queue_python, "put");
  EXPECT_EQ(cpython.verdict, MetricVerdict::slowdown);
  EXPECT_FALSE(cpython.gated);
  EXPECT_FALSE(comparison.failed());
}

TEST(ReportComparison, TheFloorAbsorbsABusyMachine) {
  // Everything twice as slow, floor included: the machine, not mp. Then mp alone twice as slow.
  auto run_with = [](double put, double floor, unsigned seed) {
    return result(ResultCode::pass, {{"put", noisy(put, 30, seed)}, {"floor.put", noisy(floor, 30, seed + 1)}},
                  {{"put", "us"}, {"floor.put", "us"}});
  };
  ComparableRun base, busy, slower;
  base.results[queue_cpp] = run_with(10, 2, 20);
  busy.results[queue_cpp] = run_with(20, 4, 22);
  slower.results[queue_cpp] = run_with(20, 2, 24);

  RunComparison machine = compare_reports(base, busy);
  const MetricChange& raw = metric_of(machine, queue_cpp, "put");
  EXPECT_EQ(raw.verdict, MetricVerdict::slowdown);
  EXPECT_FALSE(raw.gated);
  const MetricChange& relative = metric_of(machine, queue_cpp, "put/floor");
  EXPECT_EQ(relative.unit, "x floor");
  EXPECT_TRUE(relative.gated);
  EXPECT_EQ(relative.verdict, MetricVerdict::unchanged);
  EXPECT_NEAR(relative.base.median, 5, 0.3);
  EXPECT_FALSE(machine.failed());

  RunComparison mp = compare_reports(base, slower);
  EXPECT_EQ(metric_of(mp, queue_cpp, "put/floor").verdict, MetricVerdict::slowdown);
  EXPECT_EQ(mp.gated_slowdowns(), 1);
  EXPECT_TRUE(mp.failed());
}

TEST(ReportComparison, FloorRelativeRatesAreCostsToo) {
  ComparableRun base, current;
  auto run_with = [](double rate, double floor_rate, unsigned seed) {
    return result(ResultCode::pass,
                  {{"bytes", noisy(rate, 20, seed)}, {"floor.bytes", noisy(floor_rate, 20, seed + 1)}},
                  {{"bytes", "B/s"}, {"floor.bytes", "B/s"}});
  };
  base.results[queue_cpp] = run_with(1e9, 4e9, 30);     // a quarter of the floor's bandwidth: cost 4
  current.results[queue_cpp] = run_with(0.5e9, 4e9, 32);  // half that: cost 8
  RunComparison comparison = compare_reports(base, current);
  const MetricChange& relative = metric_of(comparison, queue_cpp, "bytes/floor");
  EXPECT_NEAR(relative.base.median, 4, 0.3);
  EXPECT_NEAR(relative.current.median, 8, 0.5);
  EXPECT_EQ(relative.verdict, MetricVerdict::slowdown);
  EXPECT_TRUE(comparison.failed());
}

TEST(ReportComparison, AChangeMustShowInEveryRun) {
  // Three runs a side: base all at 10 us; new two runs at 30 and one at 10. The pooled samples say
  // slower; the runs do not all agree, so one or two unlucky processes pass for no change.
  auto runs = [](std::vector<double> centers, unsigned seed) {
    ComparableResult made;
    made.code = ResultCode::pass;
    for (double center : centers) add_run_samples(made, {{"put", noisy(center, 20, seed++)}}, {{"put", "us"}});
    return made;
  };
  ComparableRun base, mixed, slower;
  base.results[queue_cpp] = runs({10, 10, 10}, 40);
  mixed.results[queue_cpp] = runs({30, 30, 10}, 50);
  slower.results[queue_cpp] = runs({30, 30, 30}, 60);
  EXPECT_EQ(base.results[queue_cpp].run_medians["put"].size(), 3u);

  RunComparison disagreeing = compare_reports(base, mixed);
  const MetricChange& put = metric_of(disagreeing, queue_cpp, "put");
  EXPECT_EQ(put.verdict, MetricVerdict::not_in_every_run);
  EXPECT_LT(put.p, 0.01) << "significant in the pooled samples";
  ASSERT_TRUE(put.runs_p);
  EXPECT_GT(*put.runs_p, 0.05);
  EXPECT_FALSE(disagreeing.failed());

  RunComparison agreeing = compare_reports(base, slower);
  const MetricChange& every = metric_of(agreeing, queue_cpp, "put");
  EXPECT_EQ(every.verdict, MetricVerdict::slowdown);
  ASSERT_TRUE(every.runs_p);
  EXPECT_NEAR(*every.runs_p, 0.05, 1e-12);  // 3 vs 3, all apart: 1 / C(6, 3)
  EXPECT_TRUE(agreeing.failed());

  GateOptions pooled_only;
  pooled_only.min_runs = 4;  // three runs are then too few for the run test: the samples decide
  EXPECT_EQ(metric_of(compare_reports(base, mixed, pooled_only), queue_cpp, "put").verdict,
            MetricVerdict::slowdown);
}

TEST(ReportComparison, BothSignificanceAndSizeAreConfigurable) {
  ComparableRun base, current;
  base.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(10, 40, 11, 0.01)}}, {{"put", "us"}});
  current.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(11.5, 40, 12, 0.01)}}, {{"put", "us"}});
  EXPECT_EQ(metric_of(compare_reports(base, current), queue_cpp, "put").verdict, MetricVerdict::slowdown);
  GateOptions lenient;
  lenient.min_effect = 0.2;  // 15% is significant but below the effect asked for
  EXPECT_EQ(metric_of(compare_reports(base, current, lenient), queue_cpp, "put").verdict,
            MetricVerdict::unchanged);
  GateOptions strict;
  strict.max_p = 1e-30;  // no sample this size can be that sure
  EXPECT_EQ(metric_of(compare_reports(base, current, strict), queue_cpp, "put").verdict,
            MetricVerdict::unchanged);
}

TEST(ReportComparison, TooFewSamplesOrOtherUnitsAreNotJudged) {
  ComparableRun base, current;
  base.results[queue_cpp] = result(ResultCode::pass, {{"put", {1, 1.1, 0.9}}, {"get", noisy(5, 10, 13)}},
                                   {{"put", "us"}, {"get", "us"}});
  current.results[queue_cpp] = result(ResultCode::pass, {{"put", {9, 9.1, 8.9}}, {"get", noisy(5000, 10, 14)}},
                                      {{"put", "us"}, {"get", "ns"}});
  RunComparison comparison = compare_reports(base, current);
  EXPECT_EQ(metric_of(comparison, queue_cpp, "put").verdict, MetricVerdict::too_few_samples);
  EXPECT_EQ(metric_of(comparison, queue_cpp, "get").verdict, MetricVerdict::units_differ);
  EXPECT_FALSE(comparison.failed());
}

TEST(ReportComparison, ReadsJsonReportsAndPoolsRuns) {
  json report = {
      {"schema", "parity-report/1"},
      {"started_at", "2026-05-01T10:00:00Z"},
      {"metadata", {{"git_commit", "0123456789abcdef0123"}, {"git_dirty", true}}},
      {"results",
       {{{"case", "perf/queue"},
         {"start_method", "fork"},
         {"impl", "cpp"},
         {"result", "PASS"},
         {"runs",
          {{{"samples", {{"put", {1.0, 2.0}}}}, {"sample_units", {{"put", "us"}}}},
           {{"samples", {{"put", {3.0}}}}, {"sample_units", {{"put", "us"}}}}}}}}}};
  ComparableRun run = comparable_from_json(report, "base.json");
  EXPECT_EQ(run.label, "0123456789ab, dirty (2026-05-01T10:00:00Z)");
  ASSERT_EQ(run.results.count(queue_cpp), 1u);
  EXPECT_EQ(run.results[queue_cpp].code, ResultCode::pass);
  EXPECT_EQ(run.results[queue_cpp].samples["put"], (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(run.results[queue_cpp].units["put"], "us");
  EXPECT_EQ(run.results[queue_cpp].samples.count("put/floor"), 0u) << "no floor, no ratio to it";

  // Batch i of an operation is divided by batch i of its floor, run by run.
  report["results"][0]["runs"][0]["samples"]["floor.put"] = {0.5, 4.0};
  report["results"][0]["runs"][0]["sample_units"]["floor.put"] = "us";
  report["results"][0]["runs"][1]["samples"]["floor.put"] = {1.0, 1.0};  // not one per batch: none
  report["results"][0]["runs"][1]["sample_units"]["floor.put"] = "us";
  ComparableRun floored = comparable_from_json(report, "base.json");
  EXPECT_EQ(floored.results[queue_cpp].samples["put/floor"], (std::vector<double>{2, 0.5}));
  EXPECT_EQ(floored.results[queue_cpp].units["put/floor"], "x floor");

  EXPECT_THROW(comparable_from_json(json{{"schema", "other"}}, "x.json"), std::runtime_error);
  json bad_code = report;
  bad_code["results"][0]["result"] = "GREAT";
  try {
    comparable_from_json(bad_code, "x.json");
    FAIL() << "accepted an unknown result code";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("x.json: results[0]: unknown result 'GREAT'"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(comparable_from_file("/nonexistent/base.json"), std::runtime_error);
}

TEST(ReportComparison, RendersConsoleAndMarkdown) {
  ComparableRun base, current;
  base.label = "base-label";
  current.label = "new-label";
  base.results[queue_cpp] = result(ResultCode::pass, {{"put", noisy(10, 30, 15)}, {"get", noisy(4, 30, 16)}},
                                   {{"put", "us"}, {"get", "us"}});
  current.results[queue_cpp] = result(ResultCode::fail, {{"put", noisy(30, 30, 17)}, {"get", noisy(4, 30, 18)}},
                                      {{"put", "us"}, {"get", "us"}});
  RunComparison comparison = compare_reports(base, current);
  std::ostringstream console;
  print_comparison(console, comparison);
  const std::string text = console.str();
  EXPECT_NE(text.find("base base-label -> new new-label"), std::string::npos) << text;
  EXPECT_NE(text.find("regression  perf/queue [fork] cpp  PASS -> FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("slower"), std::string::npos) << text;
  EXPECT_NE(text.find("REGRESSED: 1 conformance regression, 1 significant slowdown of mp"), std::string::npos)
      << text;

  std::ostringstream markdown;
  print_comparison_markdown(markdown, comparison);
  const std::string md = markdown.str();
  EXPECT_NE(md.find("### parity: regressed"), std::string::npos) << md;
  EXPECT_NE(md.find("| regression | perf/queue [fork] cpp | PASS | FAIL |"), std::string::npos) << md;
  EXPECT_NE(md.find("| perf/queue [fork] cpp | put |"), std::string::npos) << md;
  EXPECT_NE(md.find("**slower**"), std::string::npos) << md;
  EXPECT_NE(md.find("<details><summary>1 metric without a significant change</summary>"), std::string::npos)
      << md;
}
