// Reporters (console, JSON, JUnit) and atomic report files.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "reporter.hpp"
#include "temp_dir.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;

using parity::test_support::TempDir;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

NormalizedRun make_run(double wall_s, std::vector<std::string> lines, std::string outcome = "exit:0") {
  NormalizedRun run;
  run.record.argv = {"/bin/prog", "--start-method", "fork"};
  run.record.cwd = "/cases/x";
  run.record.status = ExitStatus::exited(0);
  run.record.wall_s = wall_s;
  run.record.stdout_text = "raw\n";
  run.lines = std::move(lines);
  run.outcome = Outcome::parse(outcome);
  return run;
}

CaseResult make_result(std::string id, StartMethod method, Impl impl, ResultCode code) {
  CaseResult result;
  result.case_id = std::move(id);
  result.start_method = method;
  result.impl = impl;
  result.code = code;
  result.expected_outcome = "exit:0";
  return result;
}

// A small run: one passing pair, one failing cpp side with a diff, one unresolved case.
RunSummary sample_summary() {
  RunSummary summary;
  auto python = make_result("queues/join", StartMethod::fork, Impl::python, ResultCode::pass);
  python.runs = {make_run(0.2, {"a"})};
  python.median_wall_s = 0.2;
  python.outcome_histogram = {{"exit:0", 1}};
  auto cpp = make_result("queues/join", StartMethod::fork, Impl::cpp, ResultCode::fail);
  cpp.runs = {make_run(0.02, {"b"})};
  cpp.median_wall_s = 0.02;
  cpp.ratio_to_python = 0.1;
  cpp.reasons = {"output differs from python"};
  cpp.diff = "--- python [fork]\n+++ cpp [fork]\n@@ -1 +1 @@\n-a <&>\n+b \"q\"\x01\n";
  auto broken_python = make_result("pool/broken", StartMethod::spawn, Impl::python, ResultCode::unresolved);
  broken_python.reasons = {"case.toml:3:1: unknown key 'colour'"};
  auto broken_cpp = broken_python;
  broken_cpp.impl = Impl::cpp;
  auto skipped = make_result("pool/other", StartMethod::fork, Impl::cpp, ResultCode::skip);
  skipped.reasons = {"not here"};
  summary.results = {broken_python, broken_cpp, skipped, python, cpp};
  summary.elapsed_s = 1.5;
  summary.busy_s = 0.5;
  summary.worker_busy_s = 2.0;
  summary.jobs = 2;
  return summary;
}

TEST(WriteFileAtomically, CreatesParentsReplacesAndLeavesNoTemporary) {
  TempDir dir;
  fs::path file = dir.path() / "a" / "b" / "report.json";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second");
  EXPECT_EQ(read_text(file), "second");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(file.parent_path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomically, ThrowsWhenTheDirectoryCannotBeWritten) {
  EXPECT_THROW(write_file_atomically("/proc/parity-cannot-write-here/report.json", "x"),
               std::exception);
}

TEST(RunSummary, SuccessOnlyWithPassXfailSkip) {
  RunSummary summary;
  summary.results = {make_result("a/b", StartMethod::fork, Impl::python, ResultCode::pass),
                     make_result("a/b", StartMethod::fork, Impl::cpp, ResultCode::xfail),
                     make_result("a/c", StartMethod::fork, Impl::cpp, ResultCode::skip)};
  EXPECT_TRUE(summary.success());
  summary.results.push_back(
      make_result("a/d", StartMethod::fork, Impl::python, ResultCode::reference_changed));
  EXPECT_FALSE(summary.success());
  EXPECT_EQ(summary.counts(), (std::map<std::string, int>{
                                  {"PASS", 1}, {"XFAIL", 1}, {"SKIP", 1}, {"REFERENCE-CHANGED", 1}}));
}

RunContext sample_context() {
  RunContext context;
  context.python = "python3";
  context.python_version = "3.11.7";
  context.jobs = 2;
  return context;
}

// Renderers need no disk: they write into any stream.
TEST(JsonReporter, RendersTheDocumentedShape) {
  JsonReporter reporter("/nonexistent/never-written.json");
  reporter.report_context(sample_context());
  std::ostringstream out;
  reporter.render(out, sample_summary());

  auto report = nlohmann::json::parse(out.str());
  EXPECT_EQ(report["schema"], "parity-report/1");
  EXPECT_EQ(report["success"], false);
  EXPECT_EQ(report["python"]["version"], "3.11.7");
  EXPECT_EQ(report["jobs"], 2);
  EXPECT_EQ(report["counts"]["UNRESOLVED"], 2);
  ASSERT_EQ(report["results"].size(), 5u);
  const auto& cpp = report["results"][4];
  EXPECT_EQ(cpp["case"], "queues/join");
  EXPECT_EQ(cpp["area"], "queues");
  EXPECT_EQ(cpp["impl"], "cpp");
  EXPECT_EQ(cpp["result"], "FAIL");
  EXPECT_EQ(cpp["success"], false);
  EXPECT_DOUBLE_EQ(cpp["ratio_to_python"].get<double>(), 0.1);
  EXPECT_EQ(cpp["runs"][0]["lines"], nlohmann::json::array({"b"}));
  EXPECT_EQ(cpp["runs"][0]["exit_status"], "exit:0");
  EXPECT_EQ(report["results"][2]["result"], "SKIP");
  EXPECT_EQ(report["results"][2]["success"], true);
  EXPECT_TRUE(report["results"][3]["ratio_to_python"].is_null());
  EXPECT_TRUE(report["results"][0]["runs"].empty());
  EXPECT_FALSE(fs::exists("/nonexistent/never-written.json"));
}

TEST(JunitReporter, RendersSuitesPerAreaAndEscapedFailures) {
  JunitReporter reporter("/nonexistent/never-written.xml");
  std::ostringstream out;
  reporter.render(out, sample_summary());
  std::string xml = out.str();
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << xml;
  EXPECT_NE(xml.find("<testsuites name=\"parity\" tests=\"5\" failures=\"1\" errors=\"2\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"pool\" tests=\"3\" failures=\"0\" errors=\"2\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"queues.join\" name=\"join [fork] python\" time=\"0.200\"/>"),
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

// finalize writes exactly what render produces, at path().
TEST(FileReporter, FinalizeWritesTheRenderedReport) {
  TempDir dir;
  RunSummary summary = sample_summary();
  JsonReporter json(dir.path() / "reports" / "results.json");
  JunitReporter junit(dir.path() / "junit.xml");
  for (FileReporter* reporter : std::initializer_list<FileReporter*>{&json, &junit}) {
    reporter->report_context(sample_context());
    reporter->finalize(summary);
  }
  std::ostringstream json_text, junit_text;
  json.render(json_text, summary);
  junit.render(junit_text, summary);
  EXPECT_EQ(read_text(json.path()), json_text.str());
  EXPECT_EQ(read_text(junit.path()), junit_text.str());
}

// A file reporter whose render fails halfway: the file keeps its previous content.
class BrokenReporter : public FileReporter {
 public:
  using FileReporter::FileReporter;
  void finalize(const RunSummary&) override {
    write(path(), [](std::ostream& out) {
      out << "half a report";
      throw std::runtime_error("render failed");
    });
  }
};

TEST(FileReporter, ARenderThatThrowsLeavesTheFileAsItWas) {
  TempDir dir;
  fs::path file = dir.path() / "results.json";
  write_file_atomically(file, "previous run");
  BrokenReporter reporter(file);
  EXPECT_THROW(reporter.finalize(RunSummary{}), std::runtime_error);
  EXPECT_EQ(read_text(file), "previous run");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(ConsoleReporter, PlainLinesTableFailuresAndVerdict) {
  std::ostringstream out;
  ConsoleReporter reporter(out, /*is_tty=*/false);
  RunContext context;
  context.total_results = 5;
  reporter.report_context(context);
  RunSummary summary = sample_summary();
  std::vector<CaseResult> batch = {summary.results[3], summary.results[4]};
  reporter.report_results(ResultBatch{batch, 2, 5});
  reporter.finalize(summary);
  std::string text = out.str();
  EXPECT_NE(text.find("[1/5] queues/join [fork] python PASS\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[2/5] queues/join [fork] cpp FAIL\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no escape codes off a TTY";
  // The table row: case, start method, both results, both medians, the ratio.
  EXPECT_NE(text.find("queues/join  fork"), std::string::npos) << text;
  EXPECT_NE(text.find("200.0 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("0.10"), std::string::npos) << text;
  // The failure with its reason and diff; the unresolved case once per implementation.
  EXPECT_NE(text.find("FAIL queues/join [fork] cpp\n  output differs from python"), std::string::npos)
      << text;
  EXPECT_NE(text.find("    +b \"q\""), std::string::npos) << text;
  EXPECT_NE(text.find("rerun: cd /cases/x && /bin/prog --start-method fork"), std::string::npos) << text;
  EXPECT_NE(text.find("UNRESOLVED pool/broken [spawn] python"), std::string::npos) << text;
  EXPECT_NE(text.find("FAILED\n"), std::string::npos) << text;
}

TEST(ConsoleReporter, HistogramsForRepeatedRuns) {
  std::ostringstream out;
  ConsoleReporter reporter(out, false);
  RunSummary summary;
  auto racy = make_result("queues/race", StartMethod::spawn, Impl::cpp, ResultCode::pass);
  racy.runs = {make_run(0.1, {}), make_run(0.1, {}), make_run(0.1, {}, "hang")};
  racy.outcome_histogram = {{"exit:0", 2}, {"hang", 1}};
  racy.metric_histograms = {{"empties", {{"4", 3}}}};
  summary.results = {racy};
  reporter.finalize(summary);
  std::string text = out.str();
  EXPECT_NE(text.find("queues/race [spawn] cpp: 3 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("exit:0     2  ####################"), std::string::npos) << text;
  EXPECT_NE(text.find("@empties"), std::string::npos) << text;
  EXPECT_NE(text.find("OK\n"), std::string::npos) << text;
}

TEST(RerunCommand, QuotesWhatTheShellWouldSplit) {
  RunRecord record;
  record.cwd = "/cases/a b";
  record.env_overrides = {{"PYTHONUNBUFFERED", "1"}};
  record.argv = {"python3", "case.py", "--param", "msg=it's"};
  EXPECT_EQ(rerun_command(record),
            "cd '/cases/a b' && env PYTHONUNBUFFERED=1 python3 case.py --param 'msg=it'\\''s'");
}

}  // namespace
}  // namespace parity
