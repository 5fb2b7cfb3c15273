// evaluate_unit: what the cpp side is compared with (issue 13: when the python side itself failed,
// the cpp side is not "different from python").

#include <gtest/gtest.h>

#include "case_evaluator.hpp"

namespace parity {
namespace {

RunRecord exited(int code, std::string out) {
  RunRecord record;
  record.status = ExitStatus::exited(code);
  record.stdout_text = std::move(out);
  return record;
}

struct Results {
  CaseResult python;
  CaseResult cpp;
};

Results evaluate(const CaseSpec& spec, RunRecord python, RunRecord cpp,
                 std::optional<ReferenceRecord> reference = std::nullopt) {
  UnitRuns unit;
  unit.spec = &spec;
  unit.records[Impl::python].push_back(std::move(python));
  unit.records[Impl::cpp].push_back(std::move(cpp));
  unit.reference = std::move(reference);
  unit.python_version = "3.11.7";
  auto results = evaluate_unit(unit);
  EXPECT_EQ(results.size(), 2u);
  return {results.at(0), results.at(1)};
}

CaseSpec spec() {
  CaseSpec spec;
  spec.id = "area/case";
  return spec;
}

TEST(CaseEvaluator, CppIsComparedWithALivePythonThatPassed) {
  const CaseSpec case_spec = spec();
  Results results = evaluate(case_spec, exited(0, "a\n"), exited(0, "b\n"));
  EXPECT_EQ(results.python.code, ResultCode::pass);
  EXPECT_EQ(results.cpp.code, ResultCode::fail);
  EXPECT_EQ(results.cpp.reasons, std::vector<std::string>{"output differs from python"});
}

TEST(CaseEvaluator, CppIsNotComparedWithAPythonSideThatFailed) {
  const CaseSpec case_spec = spec();
  Results results = evaluate(case_spec, exited(1, "Traceback\n"), exited(0, "b\n"));
  EXPECT_EQ(results.python.code, ResultCode::fail);
  EXPECT_EQ(results.cpp.code, ResultCode::pass);
  ASSERT_EQ(results.cpp.reasons.size(), 1u);
  EXPECT_EQ(results.cpp.reasons[0],
            "output not compared: the python side is FAIL and no CPython reference is recorded");
  EXPECT_EQ(results.cpp.diff, "");
}

TEST(CaseEvaluator, CppIsJudgedAgainstTheReferenceWhenPythonFailed) {
  const CaseSpec case_spec = spec();
  ReferenceRecord reference;
  reference.python_version = "3.11.4";
  reference.outputs = {{"a"}, {"b"}};
  reference.outcomes = {"exit:0"};
  Results same = evaluate(case_spec, exited(1, "oops\n"), exited(0, "b\n"), reference);
  EXPECT_EQ(same.python.code, ResultCode::fail);
  EXPECT_EQ(same.cpp.code, ResultCode::pass);
  EXPECT_TRUE(same.cpp.reasons.empty());

  Results differs = evaluate(case_spec, exited(1, "oops\n"), exited(0, "c\n"), reference);
  EXPECT_EQ(differs.cpp.code, ResultCode::fail);
  EXPECT_EQ(differs.cpp.reasons,
            std::vector<std::string>{
                "output differs from the recorded CPython reference (the live python side failed)"});
  EXPECT_NE(differs.cpp.diff.find("-a"), std::string::npos) << differs.cpp.diff;
  EXPECT_NE(differs.cpp.diff.find("+c"), std::string::npos) << differs.cpp.diff;
}

}  // namespace
}  // namespace parity
