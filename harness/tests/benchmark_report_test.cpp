// How reports show benchmark results: sample summaries and operation ratios computed from runs with
// known samples, the console's Performance table and start-up floors, JSON and JUnit.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "reporter.hpp"
#include "statistics.hpp"

using namespace parity;

namespace {

NormalizedRun run_with(std::map<std::string, std::vector<double>> samples, const std::string& unit,
                       double wall_s) {
  NormalizedRun run;
  run.record.status = ExitStatus::exited(0);
  run.record.wall_s = wall_s;
  run.outcome = Outcome::parse("exit:0");
  for (const auto& [name, values] : samples) run.sample_units[name] = unit;
  run.samples = std::move(samples);
  return run;
}

// CPython's put takes 10 us, mp's 2 us, the floor 1 us (exactly: no spread); two runs each.
RunSummary benchmark_summary() {
  CaseResult python;
  python.case_id = "perf/queue";
  python.impl = Impl::python;
  python.code = ResultCode::pass;
  python.runs = {run_with({{"put", {10, 10, 10}}}, "us", 0.30), run_with({{"put", {10, 10}}}, "us", 0.32)};
  python.median_wall_s = 0.31;
  CaseResult cpp = python;
  cpp.impl = Impl::cpp;
  cpp.runs = {run_with({{"put", {2, 2, 2}}, {"floor.put", {1, 1, 1}}}, "us", 0.05),
              run_with({{"put", {2, 2}}, {"floor.put", {1, 1}}}, "us", 0.07)};
  cpp.median_wall_s = 0.06;
  summarize_samples(python);
  summarize_samples(cpp);
  set_operation_ratios(cpp, &python);
  RunSummary summary;
  summary.results = {python, cpp};
  summary.startup_floor_s = {{Impl::python, {0.05, 0.04, 0.06}}, {Impl::cpp, {0.002, 0.001, 0.003}}};
  return summary;
}

}  // namespace

TEST(BenchmarkReport, SummariesPoolEveryRunAndRatiosUseTheFloor) {
  RunSummary summary = benchmark_summary();
  const CaseResult& python = summary.results[0];
  const CaseResult& cpp = summary.results[1];
  EXPECT_EQ(python.sample_summaries.at("put").n, 5u);
  EXPECT_EQ(cpp.sample_summaries.at("floor.put").median, 1);
  EXPECT_EQ(cpp.sample_units.at("put"), "us");
  ASSERT_EQ(cpp.operation_ratios.size(), 1u) << "floor.put is no operation of its own";
  const OperationRatios& put = cpp.operation_ratios.at("put");
  ASSERT_TRUE(put.to_python);
  EXPECT_DOUBLE_EQ(put.to_python->ratio, 0.2);
  EXPECT_DOUBLE_EQ(put.to_python->low, 0.2);
  EXPECT_DOUBLE_EQ(put.to_python->high, 0.2);
  ASSERT_TRUE(put.to_floor);
  EXPECT_DOUBLE_EQ(put.to_floor->ratio, 2);
  EXPECT_TRUE(python.operation_ratios.empty());

  // No CPython side, or another unit there: no ratio to CPython.
  CaseResult alone = cpp;
  set_operation_ratios(alone, nullptr);
  EXPECT_FALSE(alone.operation_ratios.at("put").to_python);
  EXPECT_TRUE(alone.operation_ratios.at("put").to_floor);
  CaseResult other_unit = python;
  other_unit.sample_units["put"] = "ns";
  set_operation_ratios(alone, &other_unit);
  EXPECT_FALSE(alone.operation_ratios.at("put").to_python);
}

TEST(BenchmarkReport, PerformanceTableShowsMediansRatiosAndStartupFloors) {
  std::string table = performance_table(benchmark_summary());
  EXPECT_NE(table.find("operation       method  CPython    mp  floor   mp/CPython [95% CI]  mp/floor [95% CI]"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("perf/queue put  fork      10 us  2 us   1 us  0.200 [0.200, 0.200]  2.00 [2.00, 2.00]"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("Start-up floor (median of 3 empty programs): CPython 50.0 ms, mp 2.0 ms"),
            std::string::npos)
      << table;
  EXPECT_EQ(performance_table(RunSummary{}), "");
}

TEST(BenchmarkReport, JsonCarriesSummariesRatiosAndNetWallTimes) {
  JsonReporter reporter("/nonexistent/never-written.json");
  reporter.report_context(RunContext{});
  std::ostringstream out;
  reporter.render(out, benchmark_summary());
  auto report = nlohmann::json::parse(out.str());
  EXPECT_DOUBLE_EQ(report["startup_floor"]["python"]["median_s"].get<double>(), 0.05);
  EXPECT_EQ(report["startup_floor"]["cpp"]["wall_s"].size(), 3u);
  EXPECT_TRUE(report["metadata"].contains("git_commit"));
  const auto& python = report["results"][0];
  const auto& cpp = report["results"][1];
  EXPECT_NEAR(python["median_wall_net_s"].get<double>(), 0.26, 1e-12);
  EXPECT_NEAR(cpp["median_wall_net_s"].get<double>(), 0.058, 1e-12);
  EXPECT_EQ(cpp["sample_summaries"]["put"]["n"], 5);
  EXPECT_EQ(cpp["sample_summaries"]["put"]["unit"], "us");
  EXPECT_EQ(cpp["sample_summaries"]["put"]["median_ci"], nlohmann::json::array({2, 2}));
  EXPECT_DOUBLE_EQ(cpp["operation_ratios"]["put"]["to_floor"]["ratio"].get<double>(), 2);
  EXPECT_EQ(cpp["runs"][0]["samples"]["floor.put"], nlohmann::json::array({1, 1, 1}));

  RunSummary unmeasured = benchmark_summary();
  unmeasured.startup_floor_s.clear();
  std::ostringstream plain;
  reporter.render(plain, unmeasured);
  EXPECT_TRUE(nlohmann::json::parse(plain.str())["results"][0]["median_wall_net_s"].is_null());
}

TEST(BenchmarkReport, JunitCarriesProperties) {
  JunitReporter reporter("/nonexistent/never-written.xml");
  std::ostringstream out;
  reporter.render(out, benchmark_summary());
  const std::string xml = out.str();
  EXPECT_NE(xml.find("<testcase classname=\"perf.queue\" name=\"queue [fork] cpp\" time=\"0.120\">\n"
                     "      <properties>\n"
                     "        <property name=\"result\" value=\"PASS\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("        <property name=\"sample.floor.put.unit\" value=\"us\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"ratio.put.to_python\" value=\"0.2\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"ratio.put.to_floor_ci_high\" value=\"2\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("      </properties>\n    </testcase>"), std::string::npos) << xml;
}

TEST(BenchmarkReport, MeasuresReadInTheirBestUnit) {
  EXPECT_EQ(format_measure(11380, "us"), "11.38 ms");
  EXPECT_EQ(format_measure(5.502, "ns"), "5.502 ns");
  EXPECT_EQ(format_measure(2.5e6, "ns"), "2.5 ms");
  EXPECT_EQ(format_measure(0.25, "ms"), "250 us");
  EXPECT_EQ(format_measure(7200, "s"), "7200 s");
  EXPECT_EQ(format_measure(1.436e9, "B/s"), "1.436 GB/s");
  EXPECT_EQ(format_measure(9.138e6, "items/s"), "9.138 M items/s");
  EXPECT_EQ(format_measure(391.3, "items/s"), "391.3 items/s");
  EXPECT_EQ(format_measure(1.2, "x floor"), "1.2 x floor");
  EXPECT_EQ(format_measure(1.2, ""), "1.2");
  EXPECT_EQ(format_measure_interval(11380, 10900, 12100, "us"), "11.38 [10.9, 12.1] ms");
}
