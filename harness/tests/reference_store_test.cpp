// Reference files: their text without a disk, and the ReferenceWriter reporter.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "reference_store.hpp"
#include "temp_dir.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

ReferenceRecord sample_record() {
  ReferenceRecord record;
  record.case_id = "queues/join";
  record.start_method = "spawn";
  record.python_version = "3.11.7";
  record.compare = "unordered";
  record.outputs = {{"a", "b"}, {"b", "a"}};
  record.outcomes = {"exit:0", "hang"};
  record.median_wall_s = 0.25;
  record.runs = 4;
  return record;
}

TEST(ReferenceStore, RenderedTextParsesBackToTheSameRecord) {
  std::stringstream text;
  render_reference(text, sample_record());
  EXPECT_NE(text.str().find("\"outcomes\": [\n    \"exit:0\",\n    \"hang\"\n  ]"), std::string::npos)
      << text.str();
  ReferenceRecord back = parse_reference(text, "memory");
  EXPECT_EQ(back.case_id, "queues/join");
  EXPECT_EQ(back.start_method, "spawn");
  EXPECT_EQ(back.compare, "unordered");
  EXPECT_EQ(back.outputs, sample_record().outputs);
  EXPECT_EQ(back.outcomes, sample_record().outcomes);
  EXPECT_DOUBLE_EQ(back.median_wall_s, 0.25);
  EXPECT_EQ(back.runs, 4);
}

TEST(ReferenceStore, MalformedTextNamesItsSource) {
  std::istringstream text("{\"case\": \"x\"}");
  try {
    parse_reference(text, "reference/3.11.7/x/fork.json");
    FAIL() << "a reference without its keys parsed";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("reference/3.11.7/x/fork.json: malformed reference"),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(load_reference("/nonexistent/fork.json"));
}

CaseResult python_result(const std::string& id, StartMethod method, ResultCode code) {
  CaseResult result;
  result.case_id = id;
  result.start_method = method;
  result.impl = Impl::python;
  result.code = code;
  NormalizedRun run;
  run.record.status = ExitStatus::exited(0);
  run.outcome = observed_outcome(run.record);
  run.lines = {"hello"};
  result.runs = {run, run};
  return result;
}

RunContext context_with_version(std::string version) {
  RunContext context;
  context.python = "python3";
  context.python_version = std::move(version);
  return context;
}

TEST(ReferenceWriter, WritesResultsThatMeetTheCaseAndListsTheOthers) {
  TempDir dir;
  CaseSpec spec;
  spec.id = "queues/join";
  spec.compare = CompareMode::unordered;
  ReferenceWriter writer(dir.path());
  writer.report_context(context_with_version("3.11.7"));
  std::vector<CaseResult> batch = {python_result("queues/join", StartMethod::fork, ResultCode::pass),
                                   python_result("queues/join", StartMethod::fork, ResultCode::pass)};
  batch[1].impl = Impl::cpp;  // only the python side is a reference
  writer.report_results(ResultBatch{batch, 2, 4, &spec});
  std::vector<CaseResult> failing = {python_result("queues/join", StartMethod::spawn, ResultCode::crash)};
  writer.report_results(ResultBatch{failing, 3, 4, &spec});

  EXPECT_EQ(writer.written(), 1);
  auto recorded = load_reference(dir.path() / "3.11.7" / "queues" / "join" / "fork.json");
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->compare, "unordered");
  EXPECT_EQ(recorded->outputs, (std::vector<std::vector<std::string>>{{"hello"}}));
  EXPECT_EQ(recorded->outcomes, std::vector<std::string>{"exit:0"});
  EXPECT_EQ(recorded->runs, 2);
  EXPECT_FALSE(fs::exists(dir.path() / "3.11.7" / "queues" / "join" / "spawn.json"));
  ASSERT_EQ(writer.failures().size(), 1u);
  EXPECT_EQ(writer.failures()[0],
            "queues/join [spawn]: not recorded: CPython does not meet the case's expectations (CRASH)");
}

TEST(ReferenceWriter, WhatCannotBeWrittenIsAFailureOfTheWriterNotOfTheResult) {
  TempDir dir;
  std::ofstream(dir.path() / "blocker") << "x";
  CaseSpec spec;
  spec.id = "a/b";
  const std::vector<CaseResult> batch = {python_result("a/b", StartMethod::fork, ResultCode::pass)};

  ReferenceWriter blocked(dir.path() / "blocker");
  blocked.report_context(context_with_version("3.11.7"));
  blocked.report_results(ResultBatch{batch, 1, 1, &spec});
  ASSERT_EQ(blocked.failures().size(), 1u);
  EXPECT_EQ(blocked.failures()[0].rfind("a/b [fork]: cannot write the reference: ", 0), 0u)
      << blocked.failures()[0];

  ReferenceWriter unknown_version(dir.path() / "reference");
  unknown_version.report_context(context_with_version(""));
  unknown_version.report_results(ResultBatch{batch, 1, 1, &spec});
  EXPECT_EQ(unknown_version.failures(),
            std::vector<std::string>{"a/b [fork]: not recorded: cannot ask python3 for its version"});
  EXPECT_FALSE(fs::exists(dir.path() / "reference"));

  EXPECT_EQ(batch[0].code, ResultCode::pass);
  EXPECT_EQ(blocked.written() + unknown_version.written(), 0);
}

}  // namespace
}  // namespace parity
