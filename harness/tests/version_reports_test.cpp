// The version axis in the console's summary table and failure blocks and in JUnit: which CPython
// versions differ from the reference interpreter, rendered from results made by hand (axis_run:
// queues/closed differs on 3.12 under fork and spawn, sync/lock on 3.9 as documented).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "console_text.hpp"
#include "reporter.hpp"
#include "sample_results.hpp"
#include "temp_dir.hpp"
#include "version_matrix.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;
using namespace parity::test_support;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string line_with(const std::string& text, const std::string& part) {
  for (const std::string& line : lines_of(text))
    if (line.find(part) != std::string::npos) return line;
  return "";
}

// axis_run with runs (for stderr and rerun lines) on queues/closed's reference python results and
// its 3.12 failures.
AxisRun axis_run_with_runs() {
  AxisRun run = axis_run();
  for (CaseResult& result : run.summary.results)
    if (result.impl == Impl::python) {
      result.runs = {make_run(0.1, {"old"})};
      result.runs[0].record.stderr_text = "reference says hello\n";
    }
  for (CaseResult& result : run.summary.version_results)
    if (result.code == ResultCode::fail) {
      result.runs = {make_run(0.1, {"new"})};
      result.runs[0].record.argv = {"/pyenv/3.12.1/bin/python3", "case.py", "--start-method",
                                    to_string(result.start_method)};
      result.runs[0].record.stderr_text = "3.12 says hello\n";
    }
  return run;
}

TEST(VersionReports, TheSummaryTableNamesTheVersionsThatDiffer) {
  AxisRun run = axis_run();
  const VersionMatrix versions = version_matrix(run.summary, run.context);
  const std::string text = summary_table(run.summary, {false, 120, false}, versions);
  EXPECT_NE(line_with(text, "case ").find("python versions"), std::string::npos) << text;
  const std::string closed_fork = line_with(text, "queues/closed  fork");
  EXPECT_TRUE(closed_fork.ends_with("  3.12 ✗")) << text;
  EXPECT_TRUE(line_with(text, "queues/closed  spawn").ends_with("  3.12 ✗")) << text;
  EXPECT_TRUE(line_with(text, "sync/lock").ends_with("  3.9 ~")) << text;
  for (const std::string& line : lines_of(text)) EXPECT_LE(display_width(line), 120u) << line;

  // In colour the marks are painted; narrow, the marks stay whole and the case ids give way.
  EXPECT_NE(summary_table(run.summary, {true, 120, false}, versions).find("3.12 \033[31m✗\033[0m"),
            std::string::npos);
  const std::string narrow = summary_table(run.summary, {false, 60, false}, versions);
  for (const std::string& line : lines_of(narrow)) EXPECT_LE(display_width(line), 60u) << narrow;
  EXPECT_TRUE(line_with(narrow, "spawn").ends_with("  3.12 ✗")) << narrow;
  // Without the axis there is no such column.
  EXPECT_EQ(summary_table(run.summary, {false, 120, false}).find("python versions"), std::string::npos);

  // Every version holding reads "all ✓".
  for (CaseResult& result : run.summary.version_results)
    if (result.code == ResultCode::fail) {
      result.code = ResultCode::pass;
      result.first_difference.clear();
    }
  const VersionMatrix holding = version_matrix(run.summary, run.context);
  EXPECT_TRUE(line_with(summary_table(run.summary, {false, 120, false}, holding), "queues/closed  fork")
                  .ends_with("  all ✓"));
}

TEST(VersionReports, AFailingVersionGetsABlockThatSaysWhichVersionsDiffer) {
  AxisRun run = axis_run_with_runs();
  const VersionMatrix versions = version_matrix(run.summary, run.context);
  const std::string text = failure_blocks(run.summary, {}, versions);
  // fork and spawn fail alike on 3.12 (their diff headers name method and version): one block.
  const std::size_t block = text.find(
      "FAIL queues/closed [fork, spawn] python 3.12.1  (alike; shown: [fork] python 3.12.1)\n"
      "  output differs from CPython 3.11.7 (the reference interpreter)\n"
      "  python versions [fork, spawn]: 3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗\n"
      "    --- python 3.11.7 [fork]\n");
  ASSERT_NE(block, std::string::npos) << text;
  // Its other side is the reference interpreter's python result, not cpp.
  EXPECT_NE(text.find("  stderr of python 3.12.1:\n    | 3.12 says hello\n"
                      "  stderr of python:\n    | reference says hello\n"
                      "  rerun python 3.12.1: cd /cases/x && /pyenv/3.12.1/bin/python3 case.py --start-method fork\n"
                      "  rerun python: cd /cases/x && /bin/prog --start-method fork\n",
                      block),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("FAIL queues/closed [spawn]"), std::string::npos) << text;
  // A documented difference without an override reason is no failure: sync/lock has no block.
  EXPECT_EQ(text.find("sync/lock"), std::string::npos) << text;

  // A cpp failure's block says how the python side fares under each version, per start method.
  run.summary.results[1].code = ResultCode::fail;  // queues/closed [fork] cpp
  run.summary.results[1].reasons = {"output differs from python"};
  run.summary.version_results[5].code = ResultCode::pass;  // 3.12 spawn now holds
  run.summary.version_results[5].first_difference = "";
  const std::string cpp = failure_blocks(run.summary, {}, version_matrix(run.summary, run.context));
  EXPECT_NE(cpp.find("FAIL queues/closed [fork] cpp\n  output differs from python\n"
                     "  python versions [fork]: 3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗\n"),
            std::string::npos)
      << cpp;
  EXPECT_NE(cpp.find("FAIL queues/closed [fork] python 3.12.1\n"), std::string::npos) << cpp;

  // Without the axis, no versions line.
  EXPECT_EQ(failure_blocks(run.summary, {}).find("python versions"), std::string::npos);
}

std::string junit(const AxisRun& run) {
  JunitReporter reporter("/nonexistent/never-written.xml");
  reporter.report_context(run.context);
  std::ostringstream out;
  reporter.render(out, run.summary);
  return out.str();
}

// junit_check.py (xmllint against the common schema, then junitparser) on xml: its exit status and
// what it printed.
std::pair<int, std::string> junit_check(const std::string& xml, std::size_t expected_tests) {
  TempDir dir;
  const fs::path file = dir.path() / "junit.xml";
  std::ofstream(file, std::ios::binary) << xml;
  const fs::path check = fs::path(PARITY_FIXTURES_DIR).parent_path() / "junit_check.py";
  const std::string command = check.string() + " " + file.string() + " " + std::to_string(expected_tests) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(VersionReports, JunitHasATestcasePerVersionAndTheMarksOnTheReferencesOwn) {
  const AxisRun run = axis_run_with_runs();
  const std::string xml = junit(run);
  const std::size_t results = run.summary.results.size() + run.summary.version_results.size();
  EXPECT_NE(xml.find(fmt::format("<testsuites name=\"parity\" tests=\"{}\" failures=\"2\" errors=\"0\"", results)),
            std::string::npos)
      << xml;
  const std::size_t failing = xml.find("<testcase classname=\"queues.closed\" name=\"closed [spawn] python 3.12.1\"");
  ASSERT_NE(failing, std::string::npos) << xml;
  const std::string testcase = xml.substr(failing, xml.find("</testcase>", failing) - failing);
  EXPECT_NE(testcase.find("<property name=\"python.version\" value=\"3.12.1\"/>"), std::string::npos) << testcase;
  EXPECT_NE(testcase.find("<property name=\"first_difference\" value=\"-old | +new\"/>"), std::string::npos);
  EXPECT_NE(testcase.find("<failure message=\"FAIL: output differs from CPython 3.11.7 (the reference "
                          "interpreter)\" type=\"FAIL\">"),
            std::string::npos)
      << testcase;
  EXPECT_NE(testcase.find("== python stderr\nreference says hello\n"), std::string::npos) << testcase;
  // The reference interpreter's own python testcase carries every version's mark.
  const std::size_t reference = xml.find("name=\"closed [fork] python\"");
  ASSERT_NE(reference, std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"python_versions\" value=\"3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗\"/>", reference),
            std::string::npos)
      << xml;
  EXPECT_LT(xml.find("python_versions", reference), xml.find("</testcase>", reference));
  // A version's testcase follows its case's own.
  EXPECT_LT(xml.find("name=\"lock [fork] python 3.9.18\""), xml.find("</testsuite>", xml.find("name=\"lock [fork] python\"")));
  EXPECT_LT(xml.find("name=\"closed [fork] python 3.8.18\""), xml.find("name=\"closed [spawn] python\""));

  // What CI systems read: the schema holds and junitparser counts every version's testcase.
  const auto [status, output] = junit_check(xml, results);
  EXPECT_EQ(status, 0) << output;
}

TEST(VersionReports, TheConsoleSummaryCarriesTheVersionsInTableBlocksAndHoldsOnLines) {
  const AxisRun run = axis_run_with_runs();
  std::ostringstream out;
  ConsoleReporter reporter(out, false);
  reporter.report_context(run.context);
  reporter.finalize(run.summary);
  const std::string text = out.str();
  EXPECT_TRUE(line_with(text, "queues/closed  fork").ends_with("  3.12 ✗")) << text;
  EXPECT_NE(text.find("  python versions [fork, spawn]: 3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  queues/closed [fork, spawn]  3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗   3.12: -old | +new\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace parity
