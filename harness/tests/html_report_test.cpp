// The HTML and Markdown reports rendered into memory from a synthetic run and history: every
// section's content, the structure the browser test relies on, escaping, no external resource.

#include "html_report.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "report_fixture.hpp"
#include "report_model.hpp"

namespace parity {
namespace {

using nlohmann::json;
using test_support::fixture_report;
using test_support::fixture_result;
using test_support::FixtureResult;

int count(const std::string& text, const std::string& needle) {
  int found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++found;
  return found;
}

json sample_run() {
  json python_echo = fixture_result({.case_id = "basic/echo", .impl = "python", .lines = {"a", "b", "c"}});
  json cpp_echo = fixture_result({.case_id = "basic/echo", .code = "FAIL", .lines = {"a", "B <script>", "c"}});
  cpp_echo["reasons"] = {"output differs from python"};
  cpp_echo["diff"] = "--- python [fork]\n+++ cpp [fork]\n-b\n+B <script>\n";
  cpp_echo["runs"][0]["stderr"] = "Traceback\nboom\n";
  json python_spawn = fixture_result({.case_id = "basic/echo", .start_method = "spawn", .impl = "python"});
  json cpp_spawn = fixture_result({.case_id = "basic/echo", .start_method = "spawn", .code = "XFAIL"});
  cpp_spawn["override_reason"] = "mp has no spawn yet";
  json python_perf = fixture_result({.case_id = "perf/queue", .impl = "python", .samples = {{"put", {3000, "ns"}}}});
  json cpp_perf = fixture_result(
      {.case_id = "perf/queue", .samples = {{"put", {1000, "ns"}}, {"floor.put", {500, "ns"}}}});
  cpp_perf["operation_ratios"] = {{"put", {{"to_python", {{"ratio", 0.333}, {"low", 0.3}, {"high", 0.36}}},
                                           {"to_floor", {{"ratio", 2.0}, {"low", 1.9}, {"high", 2.1}}}}}};
  json python_race = fixture_result({.case_id = "queues/race", .impl = "python"});
  json cpp_race = fixture_result({.case_id = "queues/race", .outcome_histogram = {{"exit:0", 7}, {"hang", 1}}});
  cpp_race["metric_histograms"] = {{"lost", {{"0", 6}, {"1", 2}}}};
  return fixture_report("2026-11-26T02:00:00Z", "abcdef0123456789",
                        {python_echo, cpp_echo, python_spawn, cpp_spawn, python_perf, cpp_perf, python_race, cpp_race});
}

// 20 runs; mp's put steps from 1000 to 1400 ns at run 16 (within the last 7).
HistoryView sample_history() {
  std::vector<HistoryRun> runs;
  MetricSeries mp{"perf/queue", "fork", "cpp", "put", "ns", {}};
  MetricSeries python{"perf/queue", "fork", "python", "put", "ns", {}};
  for (int i = 0; i < 20; ++i) {
    HistoryRun run;
    run.id = i + 1;
    run.started_at = "2026-11-" + std::to_string(10 + i / 2) + "T02:00:00Z";
    run.git_commit = "commit" + std::to_string(i);
    runs.push_back(run);
    double level = i < 16 ? 1000 : 1400;
    double wiggle = 1 + 0.002 * ((i * 7) % 20 - 10);  // +-2%, no two runs alike
    mp.points.push_back({run.id, level * wiggle, level * wiggle * 0.98, level * wiggle * 1.02, 20});
    python.points.push_back({run.id, 3000 * wiggle, 2950, 3050, 20});
  }
  FlakyCase flaky{"queues/race", "fork", "cpp", "commit3", 3, {{"PASS", 2}, {"TIMEOUT", 1}}};
  return build_history_view(runs, {mp, python}, {flaky});
}

TEST(HtmlReport, RendersEverySectionFromTheRunAndTheHistory) {
  json run = sample_run();
  HistoryView history = sample_history();
  std::ostringstream out;
  render_html_report(out, {&run, &history});
  const std::string page = out.str();

  // Matrix: 4 cases-methods x 2 sides, each cell with its data attributes.
  EXPECT_EQ(count(page, "<td class=\"cell r-"), 8);
  EXPECT_NE(page.find(R"(data-case="basic/echo" data-method="fork" data-impl="cpp" data-result="FAIL")"), std::string::npos);
  EXPECT_NE(page.find(R"(data-case="basic/echo" data-method="spawn" data-impl="cpp" data-result="XFAIL")"), std::string::npos);
  EXPECT_NE(page.find("mp has no spawn yet"), std::string::npos);  // the override's reason, visible
  EXPECT_EQ(count(page, "<td class=\"cell none\""), 4);            // perf and race have no spawn

  // Failures: one, side by side with the differing line marked, escaped, with stderr and reruns.
  EXPECT_EQ(count(page, "<div class=\"failure\""), 1);
  EXPECT_NE(page.find(R"(<table class="side" data-differing="1">)"), std::string::npos);
  EXPECT_NE(page.find("B &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);  // nothing executable on the page
  EXPECT_NE(page.find("boom"), std::string::npos);
  EXPECT_NE(page.find("parity show basic/echo --start-method fork"), std::string::npos);

  // Performance: one operation, three rows on its chart, both ratios.
  EXPECT_EQ(count(page, "<div class=\"card perf\""), 1);
  EXPECT_NE(page.find("<b>0.333×</b> [0.300, 0.360] <span class=\"better\">mp 3× faster"), std::string::npos);
  EXPECT_NE(page.find("<b>2.000×</b> [1.900, 2.100]"), std::string::npos);

  // Trends: one chart with 40 points and the change point; the change listed with its commits.
  EXPECT_EQ(count(page, "<div class=\"card trend\""), 1);
  EXPECT_EQ(count(page, "class=\"change-point\""), 1);
  EXPECT_EQ(count(page, "<tr class=\"change\""), 1);
  EXPECT_NE(page.find("data-after-run=\"17\""), std::string::npos);
  EXPECT_NE(page.find("run 16 · commit15"), std::string::npos);
  EXPECT_NE(page.find("run 17 · commit16"), std::string::npos);
  EXPECT_EQ(count(page, "class=\"point\""), 3 + 40);  // the interval chart's 3, the trend's 40

  // Racy: the race case with both sides; flaky history.
  EXPECT_EQ(count(page, "<div class=\"card racy\""), 1);
  EXPECT_NE(page.find(">hang<"), std::string::npos);
  EXPECT_EQ(count(page, "<tr class=\"flaky-case\""), 1);

  // Self-contained: no script, no external reference of any kind.
  EXPECT_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*"(https?:|//|file:))")));
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
}

// Under the two histograms, mp's runs against CPython's: a row per variable; a case whose sides
// never vary but differ (CPython always 10, mp always 0) is shown too, its divergence marked with
// each gap's Fisher p-value (a results.json from before gaps carried one lists bare values).
TEST(HtmlReport, RacyCasesShowTheComparisonUnderTheHistograms) {
  json python_race = fixture_result({.case_id = "queues/race", .impl = "python"});
  json cpp_race = fixture_result({.case_id = "queues/race", .outcome_histogram = {{"exit:0", 7}, {"hang", 1}}});
  cpp_race["distributions"] = json::array({{{"name", "outcome"}, {"test", "chi-square"}, {"statistic", 1.1}, {"p_value", 0.47},
                                {"permutations", 9999}, {"only_python", json::array()}, {"only_cpp", json::array()}}});
  json python_const = fixture_result({.case_id = "queues/constant", .impl = "python"});
  python_const["metric_histograms"] = {{"visible", {{"10", 30}}}};
  json cpp_const = fixture_result({.case_id = "queues/constant"});
  cpp_const["metric_histograms"] = {{"visible", {{"0", 30}}}};
  cpp_const["distributions"] = json::array({{{"name", "visible"}, {"test", "chi-square"}, {"statistic", 60.0},
                                 {"p_value", 0.0001}, {"permutations", 9999}, {"alpha", 0.001},
                                 {"only_python", json::array({{{"value", "10"}, {"shown", 30}, {"runs", 30},
                                                               {"other_runs", 30}, {"p_value", 8.5e-18}}})},
                                 {"only_cpp", json::array({"0"})}}});
  json python_same = fixture_result({.case_id = "queues/same", .impl = "python"});
  json cpp_same = fixture_result({.case_id = "queues/same"});
  cpp_same["distributions"] = json::array({{{"name", "outcome"}, {"test", "chi-square"}, {"statistic", 0.0}, {"p_value", 1.0},
                                {"permutations", 9999}, {"only_python", json::array()}, {"only_cpp", json::array()}}});
  json run = fixture_report("2026-11-26T02:00:00Z", "abcdef0123456789",
                            {python_race, cpp_race, python_const, cpp_const, python_same, cpp_same});
  std::ostringstream out;
  render_html_report(out, {&run, nullptr});
  const std::string page = out.str();
  const std::string racy = page.substr(page.find("<section id=\"racy\">"));
  EXPECT_EQ(count(racy, "<div class=\"card racy\""), 2) << "queues/same neither varies nor differs";
  EXPECT_EQ(racy.find("data-case=\"queues/same\""), std::string::npos);
  EXPECT_EQ(count(racy, "<table class=\"data distribution\">"), 2);
  EXPECT_NE(racy.find("<tr><td>outcome</td><td>chi-square</td><td class=\"num\">p = 0.47</td><td>–</td><td>–</td></tr>"),
            std::string::npos)
      << racy;
  EXPECT_NE(racy.find("<tr class=\"diverges\"><td>visible</td><td>chi-square</td><td class=\"num\">p &lt;= 0.0001</td>"
                      "<td>10 (30/30, p = 8.5e-18)</td><td>0</td></tr>"),
            std::string::npos)
      << racy;
}

TEST(HtmlReport, WithoutHistoryTheHistorySectionsSaySo) {
  json run = sample_run();
  std::ostringstream out;
  render_html_report(out, {&run, nullptr});
  EXPECT_EQ(count(out.str(), "No history given"), 3);
  EXPECT_EQ(count(out.str(), "class=\"change-point\""), 0);
}

// A ratio whose confidence interval contains 1 names no winner: "mp 1× faster" would claim a
// difference the measurement does not show.
TEST(HtmlReport, ARatioWhoseIntervalContainsOneSaysNoClearDifference) {
  json run = sample_run();
  for (json& result : run["results"])
    if (result["case"] == "perf/queue" && result["impl"] == "cpp")
      result["operation_ratios"]["put"]["to_python"] = {{"ratio", 0.98}, {"low", 0.9}, {"high", 1.05}};
  std::ostringstream out;
  render_html_report(out, {&run, nullptr});
  EXPECT_NE(out.str().find("<b>0.980×</b> [0.900, 1.050] <span class=\"muted\">no clear difference</span>"),
            std::string::npos);
  EXPECT_EQ(out.str().find("× faster"), std::string::npos);
}

TEST(HtmlReport, RefusesWhatIsNotAReport) {
  json not_report = {{"schema", "x"}};
  std::ostringstream out;
  EXPECT_THROW(render_html_report(out, {&not_report, nullptr}), std::runtime_error);
  EXPECT_THROW(render_markdown_report(out, {&not_report, nullptr}), std::runtime_error);
}

TEST(MarkdownReport, HasTheSummaryTheFailuresAndTheChanges) {
  json run = sample_run();
  HistoryView history = sample_history();
  std::ostringstream out;
  render_markdown_report(out, {&run, &history});
  const std::string text = out.str();
  EXPECT_NE(text.find("## parity nightly 2026-11-26: failures"), std::string::npos);
  EXPECT_NE(text.find("| FAIL | 1 |"), std::string::npos);
  EXPECT_NE(text.find("- **FAIL** `basic/echo` [fork] mp"), std::string::npos);
  EXPECT_NE(text.find("+B <script>"), std::string::npos);  // inside a ```diff block
  EXPECT_NE(text.find("| put | perf/queue [fork] | mp | +"), std::string::npos);
  EXPECT_NE(text.find("`commit15` → `commit16`"), std::string::npos);
}

TEST(ReportModel, AlignsTwoOutputsOnTheirCommonLines) {
  auto rows = align_lines({"a", "b", "c", "d"}, {"a", "x", "c", "d", "e"});
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_FALSE(rows[0].differs());
  EXPECT_TRUE(rows[1].differs());  // b | x, paired on one row
  EXPECT_EQ(rows[1].left, "b");
  EXPECT_EQ(rows[1].right, "x");
  EXPECT_FALSE(rows[2].differs());
  EXPECT_TRUE(rows[4].differs());
  EXPECT_FALSE(rows[4].has_left);
  EXPECT_EQ(rows[4].right, "e");
}

}  // namespace
}  // namespace parity
