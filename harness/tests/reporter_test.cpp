// Reporters (JSON, file reporters) and atomic report files; the console: console_reporter_test.cpp,
// JUnit: junit_reporter_test.cpp.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "reporter.hpp"
#include "sample_results.hpp"
#include "temp_dir.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;

using parity::test_support::TempDir;
using namespace parity::test_support;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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
