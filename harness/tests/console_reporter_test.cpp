// ConsoleReporter and its pieces (console_text.hpp), on results built by hand: progress on and off
// a TTY with -q and -v, failure blocks (stderr tails, rerun commands, stacks of a hang, folding
// alike failures), the summary table fitted to the width, colour only when asked.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "console_text.hpp"
#include "reporter.hpp"
#include "sample_results.hpp"

namespace parity {
namespace {

using namespace parity::test_support;
using Clock = std::chrono::steady_clock;

// A clock the test moves by hand.
struct FakeClock {
  Clock::time_point now = Clock::time_point{} + std::chrono::hours(1);
  std::function<Clock::time_point()> function() {
    return [this] { return now; };
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Ten passing results, one failing (the fourth), reported one by one 2 s apart.
std::string ten_results(ConsoleOptions options, bool tty = false) {
  FakeClock clock;
  options.clock = clock.function();
  std::ostringstream out;
  ConsoleReporter reporter(out, tty, options);
  RunContext context;
  context.total_results = 10;
  reporter.report_context(context);
  for (int i = 1; i <= 10; ++i) {
    clock.now += std::chrono::seconds(2);
    auto result = make_result("area/case" + std::to_string(i), StartMethod::spawn, Impl::cpp,
                              i == 4 ? ResultCode::fail : ResultCode::pass);
    result.runs = {make_run(0.25, {"x"})};
    result.median_wall_s = 0.25;
    std::vector<CaseResult> batch = {result};
    reporter.report_results(ResultBatch{batch, i, 10});
  }
  return out.str();
}

TEST(ConsoleProgress, OffATtyFailuresAtOnceAndCompactProgressWithAnEstimate) {
  std::string text = ten_results({});
  EXPECT_NE(text.find("[4/10] area/case4 [spawn] cpp FAIL (250.0 ms)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("area/case5 [spawn] cpp PASS"), std::string::npos) << "passes only counted";
  // One progress line per tenth of the run: done/total, elapsed, what remains at this pace.
  EXPECT_NE(text.find("[1/10] 0:02, about 0:18 left\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[5/10] 0:10, about 0:10 left; 1 failure\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[10/10] 0:20; 1 failure\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no escape codes without colour";
}

TEST(ConsoleProgress, VerbosePrintsEveryResultWithItsTime) {
  ConsoleOptions options;
  options.verbosity = Verbosity::verbose;
  std::string text = ten_results(options);
  for (int i = 1; i <= 10; ++i)
    EXPECT_NE(text.find(fmt::format("[{}/10] area/case{} [spawn] cpp {} (250.0 ms)\n", i, i,
                                    i == 4 ? "FAIL" : "PASS")),
              std::string::npos)
        << text;
}

TEST(ConsoleProgress, QuietPrintsNothingWhileRunning) {
  ConsoleOptions options;
  options.verbosity = Verbosity::quiet;
  std::string text = ten_results(options);
  EXPECT_EQ(lines_of(text).size(), 1u) << text;  // the run's header line only
}

TEST(ConsoleProgress, OnATtyOneLineRewrittenAndFailuresKeptAboveIt) {
  ConsoleOptions options;
  options.width = 60;
  std::string text = ten_results(options, /*tty=*/true);
  EXPECT_NE(text.find("\r\033[K[4/10] area/case4 [spawn] cpp FAIL (250.0 ms)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\033[K[5/10] 0:10, about 0:10 left; 1 failure  area/case5 [spawn]"),
            std::string::npos)
      << text;
  // Never longer than the terminal: a wrapped line cannot be erased with \r.
  for (const auto& piece : lines_of(text))
    for (std::size_t at = 0; (at = piece.find("\r\033[K", at)) != std::string::npos; at += 4) {
      std::size_t end = piece.find('\r', at + 4);
      EXPECT_LT((end == std::string::npos ? piece.size() : end) - at - 4, 60u) << piece;
    }
}

TEST(ConsoleFinalize, TableFailuresTotalsWithoutColour) {
  std::ostringstream out;
  ConsoleReporter reporter(out, /*is_tty=*/false);
  reporter.finalize(sample_summary());
  std::string text = out.str();
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no escape codes without colour";
  EXPECT_NE(text.find("queues/join   fork    PASS        FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("200.0 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("0.10"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL queues/join [fork] cpp\n  output differs from python"), std::string::npos) << text;
  EXPECT_NE(text.find("    +b \"q\""), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED\n"), std::string::npos) << text;
}

// A passing racy result shows its comparison with python's runs under its histograms, not only
// a failing one's reason.
TEST(ConsoleFinalize, APassingRacyResultShowsItsComparisonWithPython) {
  RunSummary summary;
  summary.results = racy_pair();
  std::ostringstream out;
  ConsoleReporter reporter(out, /*is_tty=*/false);
  reporter.finalize(summary);
  std::string text = out.str();
  const std::size_t cpp = text.find("queues/racy [fork] cpp: 10 runs");
  ASSERT_NE(cpp, std::string::npos) << text;
  EXPECT_NE(text.find("  against python's runs\n    outcome: p = 1 (chi-square), no support divergence\n"
                      "    visible: p = 0.0", cpp),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("; only python: 10 (8/10 runs, absent from cpp's 10: p = 0.00036 < 0.001/2 values)\n", cpp), std::string::npos) << text;
  EXPECT_EQ(text.find("against python's runs"), text.rfind("against python's runs")) << "cpp only: " << text;
}

TEST(ConsoleFinalize, QuietLeavesOutTheTables) {
  std::ostringstream out;
  ConsoleOptions options;
  options.verbosity = Verbosity::quiet;
  ConsoleReporter reporter(out, false, options);
  reporter.finalize(sample_summary());
  std::string text = out.str();
  EXPECT_EQ(text.find("median wall time"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL queues/join [fork] cpp"), std::string::npos) << text;
  EXPECT_NE(text.find("5 results: "), std::string::npos) << text;
}

TEST(ConsoleFinalize, ColourOnlyWhenAsked) {
  std::ostringstream out;
  ConsoleOptions options;
  options.color = true;
  ConsoleReporter reporter(out, false, options);
  reporter.finalize(sample_summary());
  EXPECT_NE(out.str().find("\033[31mFAIL"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("    \033[32m+b"), std::string::npos) << out.str();
}

TEST(ConsoleFinalize, SaysWhenTheRunStoppedEarly) {
  std::ostringstream out;
  ConsoleReporter reporter(out, false);
  RunSummary summary = sample_summary();
  summary.not_run = 7;
  reporter.finalize(summary);
  EXPECT_NE(out.str().find("Stopped early (--max-failures): 7 results not run.\n"), std::string::npos)
      << out.str();
}

// Issue 16: beside benchmark cases, the summary gives the conformance catalog's own time.
TEST(ConsoleFinalize, TheCatalogsTimeBesidePerfCases) {
  RunSummary summary = sample_summary();
  summary.elapsed_s = 300;
  summary.catalog_elapsed_s = 40;
  summary.jobs = 2;
  {
    std::ostringstream out;
    ConsoleReporter(out, false).finalize(summary);
    EXPECT_NE(out.str().find("\n300.00 s elapsed, -j 2"), std::string::npos) << "no perf case: no figure\n" << out.str();
  }
  auto perf = make_result("perf/pipe_round_trip", StartMethod::fork, Impl::cpp, ResultCode::pass);
  perf.runs = {make_run(1, {})};
  summary.results.push_back(perf);
  std::ostringstream out;
  ConsoleReporter(out, false).finalize(summary);
  EXPECT_NE(out.str().find("\n300.00 s elapsed (cases outside perf/: 40.00 s), -j 2"), std::string::npos) << out.str();
}

TEST(FailureBlocks, StderrTailsOfBothSidesAndBothRerunCommands) {
  std::string text = failure_blocks(sample_summary(), {});
  std::size_t block = text.find("FAIL queues/join [fork] cpp\n");
  ASSERT_NE(block, std::string::npos) << text;
  std::string cpp = text.substr(block, text.find("\nUNRESOLVED", block) - block);
  EXPECT_NE(cpp.find("  stderr of cpp (last 20 of 25 lines):\n    | mp: line 6\n"), std::string::npos) << cpp;
  EXPECT_EQ(cpp.find("mp: line 5\n"), std::string::npos) << cpp;
  EXPECT_NE(cpp.find("    | mp: line 25\n  stderr of python:\n    | python says hello\n"), std::string::npos)
      << cpp;
  EXPECT_NE(cpp.find("  rerun cpp: cd /cases/x && /bin/prog --start-method fork\n"
                     "  rerun python: cd /cases/x && /bin/prog --start-method fork\n"),
            std::string::npos)
      << cpp;
}

// One case failing alike under three start methods (the diff header names the method, the reason
// a pid): one block naming the methods. A different failure stays its own block.
TEST(FailureBlocks, AlikeFailuresUnderSeveralStartMethodsAreOneBlock) {
  RunSummary summary;
  for (StartMethod method : {StartMethod::fork, StartMethod::spawn, StartMethod::forkserver}) {
    auto result = make_result("queues/x", method, Impl::cpp, ResultCode::fail);
    result.reasons = {"output differs from python", "leaked process " + std::to_string(1000 + static_cast<int>(method))};
    result.diff = "--- python [" + to_string(method) + "]\n+++ cpp [" + to_string(method) + "]\n-a\n+b\n";
    result.runs = {make_run(0.1, {"b"})};
    summary.results.push_back(result);
  }
  auto other = make_result("queues/y", StartMethod::fork, Impl::cpp, ResultCode::fail);
  other.diff = "-a\n+c\n";
  summary.results.push_back(other);
  auto also = other;
  also.start_method = StartMethod::spawn;
  also.diff = "-a\n+d\n";
  summary.results.push_back(also);
  std::string text = failure_blocks(summary, {});
  EXPECT_NE(text.find("FAIL queues/x [fork, spawn, forkserver] cpp  (alike; shown: [fork] cpp)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("FAIL queues/x [spawn]"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL queues/y [fork] cpp\n"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL queues/y [spawn] cpp\n"), std::string::npos) << text;
}

TEST(FailureBlocks, ATimeoutShowsOneLinePerProcessOrTheFoldedStacks) {
  std::ifstream in(std::filesystem::path(PARITY_FIXTURES_DIR).parent_path() / "stacks" /
                   "queue_join_deadlock.txt");
  std::string stacks((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  RunSummary summary;
  auto hung = make_result("queues/join_before_get_deadlock", StartMethod::spawn, Impl::cpp, ResultCode::timeout);
  hung.reasons = {"hung: killed after the timeout, expected exit:0"};
  hung.runs = {make_run(2.0, {})};
  hung.runs[0].record.timed_out = true;
  hung.runs[0].record.status.reset();
  hung.runs[0].record.stacks = stacks.substr(stacks.find("== pid 21432"));
  summary.results = {hung};
  std::string text = failure_blocks(summary, {});
  EXPECT_NE(text.find("  where each cpp process waited at the timeout (parity show "
                      "queues/join_before_get_deadlock --start-method spawn for the stacks):\n"
                      "    pid 21432 case --start-method spawn: __GI___poll (poll.c:29) <- "
                      "mp::detail::wait_readable (popen_fork.cpp:37)\n"
                      "    pid 21433 case --mp-spawn-child"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("#12"), std::string::npos) << "no raw frames by default";
  ConsoleStyle full;
  full.full_stacks = true;
  std::string folded = failure_blocks(summary, full);
  EXPECT_NE(folded.find("stacks of the cpp process tree at the timeout:\n    == pid 21432"), std::string::npos)
      << folded;
  EXPECT_NE(folded.find("frames of the standard library and libc (--full-stacks shows them)"), std::string::npos);
}

TEST(SummaryTable, LabelledAndFittedToTheWidth) {
  RunSummary summary = sample_summary();
  summary.results[4].case_id = summary.results[3].case_id =
      "queues/a_case_name_long_enough_to_need_cutting_at_eighty_columns";
  std::string wide = summary_table(summary, {false, 200, false});
  EXPECT_NE(wide.find("result"), std::string::npos) << wide;
  EXPECT_NE(wide.find("median wall time"), std::string::npos) << wide;
  EXPECT_NE(wide.find("cpp/python"), std::string::npos) << wide;
  EXPECT_NE(wide.find("queues/a_case_name_long_enough_to_need_cutting_at_eighty_columns"), std::string::npos);
  for (int width : {80, 60, 45}) {
    std::string text = summary_table(summary, {false, width, false});
    for (const auto& line : lines_of(text)) EXPECT_LE(line.size(), static_cast<std::size_t>(width)) << line;
    EXPECT_NE(text.find("~"), std::string::npos) << "the long id is cut in the middle\n" << text;
    EXPECT_NE(text.find("FAIL"), std::string::npos) << text;
  }
  EXPECT_EQ(summary_table(summary, {false, 60, false}).find("median wall time"), std::string::npos)
      << "narrow: the times are left out";
}

}  // namespace
}  // namespace parity
