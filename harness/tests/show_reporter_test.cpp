// ShowReporter on results built by hand: measures never marked, both columns fitted or wrapped,
// colour only when asked, the first failing run of several, stacks folded unless asked.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reporter.hpp"
#include "sample_results.hpp"

namespace parity {
namespace {

using namespace parity::test_support;

// A run whose raw stdout is `raw` and whose normalized lines are `lines`.
NormalizedRun run_printing(const std::string& raw, std::vector<std::string> lines, int exit_code = 0) {
  NormalizedRun run = make_run(0.1, std::move(lines));
  run.record.stdout_text = raw;
  run.record.status = ExitStatus::exited(exit_code);
  return run;
}

std::string show(std::vector<CaseResult> results, ShowOptions options = {}) {
  std::ostringstream out;
  ShowReporter reporter(out, options);
  reporter.report_results(ResultBatch{results, 2, 2});
  return out.str();
}

std::vector<CaseResult> pair_of(NormalizedRun python_run, NormalizedRun cpp_run) {
  auto python = make_result("queues/x", StartMethod::fork, Impl::python, ResultCode::pass);
  auto cpp = make_result("queues/x", StartMethod::fork, Impl::cpp, ResultCode::pass);
  python.runs = {std::move(python_run)};
  cpp.runs = {std::move(cpp_run)};
  return {python, cpp};
}

// The stdout rows of the side-by-side view.
std::vector<std::string> stdout_rows(const std::string& text) {
  std::vector<std::string> rows;
  std::istringstream in(text.substr(text.find("---- stdout")));
  std::string line;
  std::getline(in, line);  // the rule
  std::getline(in, line);  // the column titles
  while (std::getline(in, line) && line.rfind("----", 0) != 0) rows.push_back(line);
  return rows;
}

// Before: the view compared raw line i with normalized line i, so once a measure line had been
// split out every later line was compared with the wrong one and marked '!'.
TEST(ShowReporter, MeasureLinesAreShownButNeverMarked) {
  std::string text = show(pair_of(run_printing("a\n@metric empties 4\nb\nc\n", {"a", "b", "c"}),
                                  run_printing("a\n@metric empties 4\nb\nc\n", {"a", "b", "c"})));
  for (const auto& row : stdout_rows(text)) EXPECT_EQ(row.find(" ! "), std::string::npos) << text;
  EXPECT_NE(text.find("@metric empties 4"), std::string::npos) << text;
  // A measure printed at another place on each side: the other lines still pair up.
  std::string moved = show(pair_of(run_printing("@sample put 1.5 us\na\nb\n", {"a", "b"}),
                                   run_printing("a\n@sample put 1.2 us\nb\n", {"a", "b"})));
  auto rows = stdout_rows(moved);
  for (const auto& row : rows) EXPECT_EQ(row.find(" ! "), std::string::npos) << moved;
  // A real difference is still marked.
  std::string differs = show(pair_of(run_printing("a\n@metric m 1\nb\n", {"a", "b"}),
                                     run_printing("a\n@metric m 1\nB\n", {"a", "B"})));
  auto marked = stdout_rows(differs);
  ASSERT_EQ(marked.size(), 3u) << differs;
  EXPECT_NE(marked[2].find(" ! "), std::string::npos) << differs;
  EXPECT_EQ(marked[1].find(" ! "), std::string::npos) << differs;
}

// Before: the left column was cut at its width and the right one not at all, so a late difference
// in a long right line ran off the screen.
TEST(ShowReporter, BothColumnsFitTheWidthOrWrap) {
  std::string long_line(150, 'x');
  std::string late = long_line + "LATE";
  std::string text = show(pair_of(run_printing(long_line + "\n", {long_line}), run_printing(late + "\n", {late})),
                          ShowOptions{60});
  for (const auto& row : stdout_rows(text)) {
    EXPECT_LE(row.size(), 60u) << row;
    EXPECT_NE(row.find("~ ! "), std::string::npos) << row;
    EXPECT_EQ(row.back(), '~') << row;
  }
  ShowOptions wrap{60};
  wrap.wrap = true;
  std::string wrapped = show(pair_of(run_printing(long_line + "\n", {long_line}), run_printing(late + "\n", {late})), wrap);
  auto rows = stdout_rows(wrapped);
  ASSERT_GE(rows.size(), 6u) << wrapped;
  EXPECT_NE(rows[0].find(" ! "), std::string::npos) << wrapped;
  EXPECT_NE(rows[1].find(" > "), std::string::npos) << wrapped;
  std::string joined;
  for (const auto& row : rows) {
    EXPECT_LE(row.size(), 60u) << row;
    joined += row;
  }
  EXPECT_NE(joined.find("LATE"), std::string::npos) << "nothing is lost when wrapping\n" << wrapped;
}

TEST(ShowReporter, ColourOnlyWhenAsked) {
  auto results = pair_of(run_printing("a\n", {"a"}), run_printing("b\n", {"b"}));
  results[1].code = ResultCode::fail;
  EXPECT_EQ(show(results).find("\033["), std::string::npos);
  ShowOptions color;
  color.color = true;
  std::string text = show(results, color);
  EXPECT_NE(text.find("\033[31ma"), std::string::npos) << text;
  EXPECT_NE(text.find("\033[32mb\033[0m"), std::string::npos) << text;
  EXPECT_NE(text.find("cpp: \033[31mFAIL"), std::string::npos) << text;
}

TEST(ShowReporter, SeveralRunsShowDistributionsAndTheFirstFailingRun) {
  auto results = pair_of(run_printing("good\n", {"good"}), run_printing("good\n", {"good"}));
  results[0].runs.push_back(run_printing("good\n", {"good"}));
  results[0].runs.push_back(run_printing("good\n", {"good"}));
  results[1].runs.push_back(run_printing("bad\n", {"bad"}, 1));
  results[1].runs.push_back(run_printing("good\n", {"good"}));
  results[0].outcome_histogram = {{"exit:0", 3}};
  results[1].outcome_histogram = {{"exit:0", 2}, {"exit:1", 1}};
  std::string text = show(results);
  EXPECT_NE(text.find("---- 3 runs a side"), std::string::npos) << text;
  EXPECT_NE(text.find("python: exit:0 x3; median"), std::string::npos) << text;
  EXPECT_NE(text.find("cpp: exit:0 x2, exit:1 x1; median"), std::string::npos) << text;
  EXPECT_NE(text.find("run 2 of 3 is the first that failed or differed"), std::string::npos) << text;
  auto rows = stdout_rows(text);
  ASSERT_EQ(rows.size(), 1u) << text;
  EXPECT_NE(rows[0].find("good"), std::string::npos);
  EXPECT_NE(rows[0].find("! bad"), std::string::npos) << text;
  EXPECT_NE(text.find("cpp (exit:1,"), std::string::npos) << text;
}

TEST(ShowReporter, SeveralRunsShowTheComparisonWithPythonEvenWhenBothPass) {
  std::string text = show(racy_pair());
  EXPECT_NE(text.find("  @visible: 0 x10\ncpp against python's runs:\n  outcome: p = 1 (chi-square), no support divergence\n"
                      "  visible: p = 0.0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("only python: 10 (8/10 runs, absent from cpp's 10: p = 0.00036 < 0.001/2 values)"), std::string::npos) << text;
}

TEST(ShowReporter, StacksFoldedUnlessFullStacks) {
  std::ifstream in(std::filesystem::path(PARITY_FIXTURES_DIR).parent_path() / "stacks" / "queue_join_deadlock.txt");
  std::string stacks((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto results = pair_of(run_printing("", {}), run_printing("", {}));
  results[1].runs[0].record.stacks = stacks;
  results[1].runs[0].record.timed_out = true;
  std::string folded = show(results);
  EXPECT_NE(folded.find("frames of the standard library and libc (--full-stacks shows them)"), std::string::npos);
  EXPECT_EQ(folded.find("__futex_abstimed_wait_common64"), std::string::npos);
  ShowOptions full;
  full.full_stacks = true;
  EXPECT_NE(show(results, full).find("__futex_abstimed_wait_common64"), std::string::npos);
}

}  // namespace
}  // namespace parity
