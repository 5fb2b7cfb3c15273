// JunitReporter: the XML's content, bytes that are not UTF-8, and the file CI systems read checked
// against the common JUnit schema by junit_check.py (xmllint + junitparser).

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "report_text.hpp"
#include "reporter.hpp"
#include "sample_results.hpp"
#include "temp_dir.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;
using namespace parity::test_support;

const fs::path junit_check = fs::path(PARITY_FIXTURES_DIR).parent_path() / "junit_check.py";

std::string render(const RunSummary& summary, const RunContext& context = sample_context()) {
  JunitReporter reporter("/nonexistent/never-written.xml");
  reporter.report_context(context);
  std::ostringstream out;
  reporter.render(out, summary);
  return out.str();
}

// Runs junit_check.py on xml; its exit status and what it printed.
std::pair<int, std::string> check(const std::string& xml, int expected_tests) {
  TempDir dir;
  fs::path file = dir.path() / "junit.xml";
  std::ofstream(file, std::ios::binary) << xml;
  std::string command = junit_check.string() + " " + file.string() + " " +
                        std::to_string(expected_tests) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(JunitReporter, RendersSuitesPerAreaAndEscapedFailures) {
  std::string xml = render(sample_summary());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << xml;
  EXPECT_NE(xml.find("<testsuites name=\"parity\" tests=\"5\" failures=\"1\" errors=\"2\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"pool\" tests=\"3\" failures=\"0\" errors=\"2\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"queues.join\" name=\"join [fork] python\" time=\"0.200\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"FAIL: output differs from python\" type=\"FAIL\">"),
            std::string::npos);
  EXPECT_NE(xml.find("-a &lt;&amp;&gt;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("+b &quot;q&quot;\\x01"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<error message=\"UNRESOLVED: case.toml:3:1: unknown key &apos;colour&apos;\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"SKIP: not here\"/>"), std::string::npos) << xml;
  EXPECT_TRUE(xml.ends_with("</testsuites>\n")) << xml;
}

TEST(JunitReporter, SuitesCarryTimestampHostnameAndRunProperties) {
  RunContext context = sample_context();
  context.metadata.host = "ci-runner-7";
  context.metadata.source.commit = "0123456789abcdef";
  context.metadata.source.dirty = false;
  context.started_at = std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18T...
  std::string xml = render(sample_summary(), context);
  EXPECT_NE(xml.find("<testsuite name=\"queues\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" "
                     "time=\"0.220\" timestamp=\"2026-11-18T11:06:40\" hostname=\"ci-runner-7\">\n"
                     "    <properties>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"git.commit\" value=\"0123456789abcdef\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"git.dirty\" value=\"false\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"python.version\" value=\"3.11.7\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"jobs\" value=\"2\"/>"), std::string::npos) << xml;
}

TEST(JunitReporter, TestcasePropertiesCarryRatioAndOverrideReason) {
  RunSummary summary = sample_summary();
  summary.results[4].override_reason = "mp reports the pid differently";
  std::string xml = render(summary);
  EXPECT_NE(xml.find("<property name=\"ratio_to_python\" value=\"0.1\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"override_reason\" value=\"mp reports the pid differently\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"result\" value=\"FAIL\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"median_wall_s\" value=\"0.02\"/>"), std::string::npos) << xml;
}

// A passing racy cpp result carries its comparison with python's runs as properties, with both
// histograms; the python result has none.
TEST(JunitReporter, RacyResultsCarryTheirDistributionComparisonWhenPassing) {
  RunSummary summary;
  summary.results = racy_pair();
  std::string xml = render(summary);
  EXPECT_NE(xml.find("<property name=\"distribution.outcome\" value=\"outcome: p = 1 (chi-square), no "
                     "support divergence; python {exit:0: 10} / cpp {exit:0: 10}\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("; only python: 10 (8/10 runs, absent from cpp&apos;s 10: p = 0.00036 &lt; 0.001/2 values); "
                     "python {0: 2, 10: 8} / cpp {0: 10}\"/>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"distribution.visible.p_value\" value=\"0.0"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("distribution.visible\""), xml.rfind("distribution.visible\"")) << "cpp only: " << xml;
}

// A failure carries its stdout, the last 20 stderr lines of both sides and how to rerun each.
TEST(JunitReporter, FailuresCarryStdoutStderrTailsAndRerunCommands) {
  std::string xml = render(sample_summary());
  std::size_t failure = xml.find("<failure message=\"FAIL: output differs from python\"");
  ASSERT_NE(failure, std::string::npos) << xml;
  std::string testcase = xml.substr(failure, xml.find("</testcase>", failure) - failure);
  EXPECT_NE(testcase.find("rerun: cd /cases/x &amp;&amp; /bin/prog --start-method fork"),
            std::string::npos)
      << testcase;
  EXPECT_NE(testcase.find("<system-out>raw\n</system-out>"), std::string::npos) << testcase;
  EXPECT_NE(testcase.find("<system-err>== cpp stderr (last 20 lines of 25)\nmp: line 6\n"),
            std::string::npos)
      << testcase;
  EXPECT_EQ(testcase.find("mp: line 5\n"), std::string::npos) << "only the tail";
  EXPECT_NE(testcase.find("mp: line 25\nrerun cpp: cd /cases/x"), std::string::npos) << testcase;
  EXPECT_NE(testcase.find("== python stderr\npython says hello\nrerun python: "), std::string::npos)
      << testcase;
  // A passing testcase carries no output (the file stays small).
  std::size_t passing = xml.find("name=\"join [fork] python\"");
  EXPECT_EQ(xml.substr(passing, xml.find("</testcase>", passing) - passing).find("<system-"),
            std::string::npos);
}

// Invalid UTF-8 in a case name or a program's output must not make the file ill-formed: each
// invalid sequence becomes U+FFFD. (Before: the bytes were copied and XML parsers rejected it.)
TEST(JunitReporter, InvalidUtf8BecomesReplacementCharacters) {
  RunSummary summary = sample_summary();
  CaseResult& cpp = summary.results[4];
  cpp.case_id = "queues/j\xffoin";
  cpp.diff += "+caf\xc3\n+\xe9t\xe9 \xed\xa0\x80 \xf4\x90\x80\x80 ok \xc3\xa9\n";
  cpp.runs[0].record.stderr_text += "\xc0\xaf\n";
  std::string xml = render(summary);
  EXPECT_EQ(valid_utf8(xml), xml) << "the whole file is valid UTF-8";
  EXPECT_NE(xml.find("name=\"j\xEF\xBF\xBDoin [fork] cpp\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("ok \xc3\xa9"), std::string::npos) << "valid sequences are kept";
  auto [status, output] = check(xml, 5);
  EXPECT_EQ(status, 0) << output;
}

// The schema check itself fails on what CI systems reject, so its passing means something.
TEST(JunitCheck, RejectsIllFormedAndInvalidReports) {
  std::string good = render(sample_summary());
  EXPECT_EQ(check(good, 5).first, 0) << check(good, 5).second;
  EXPECT_NE(check(good, 6).first, 0) << "a testcase count that does not match";
  std::string raw_byte = good;
  raw_byte.insert(raw_byte.find("+b &quot;"), "\xff");
  EXPECT_NE(check(raw_byte, 5).first, 0) << "invalid UTF-8";
  std::string bad_count = good;
  bad_count.replace(bad_count.find("tests=\"3\""), 9, "tests=\"x\"");
  EXPECT_NE(check(bad_count, 5).first, 0) << "a count that is not a number";
  std::string wrong_counts = good;
  wrong_counts.replace(wrong_counts.find("errors=\"2\" skipped=\"1\" time"), 10, "errors=\"0\"");
  EXPECT_NE(check(wrong_counts, 5).first, 0) << "counts that disagree with the testcases";
}

TEST(ValidUtf8, ReplacesEachMaximalInvalidSubpart) {
  EXPECT_EQ(valid_utf8("plain ascii\n"), "plain ascii\n");
  EXPECT_EQ(valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("a\xff" "b"), "a" + r + "b");
  EXPECT_EQ(valid_utf8("\xc0\xaf"), r + r);                  // overlong: two invalid bytes
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), r + r + r);          // a surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), r + r + r + r);  // beyond U+10FFFF
  EXPECT_EQ(valid_utf8("\xe2\x82" "x"), r + "x");            // truncated: one replacement
  EXPECT_EQ(valid_utf8("end\xf0\x9f\x98"), "end" + r);
}

TEST(TailOf, KeepsTheLastLinesAndCountsTheRest) {
  EXPECT_EQ(tail_of("a\nb\nc\n", 2).text, "b\nc\n");
  EXPECT_EQ(tail_of("a\nb\nc\n", 2).omitted, 1u);
  EXPECT_EQ(tail_of("a\nb\nc", 1).text, "c\n");
  EXPECT_EQ(tail_of("a\nb\nc", 1).omitted, 2u);
  EXPECT_EQ(tail_of("a\nb\n", 5).text, "a\nb\n");
  EXPECT_EQ(tail_of("a\nb\n", 5).omitted, 0u);
  EXPECT_EQ(tail_of("", 3).text, "");
}

}  // namespace
}  // namespace parity
