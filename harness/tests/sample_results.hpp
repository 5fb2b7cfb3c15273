#pragma once
// Results for reporter tests, built by hand: a small run with a pass, a failure with a diff, an
// unresolved case and a skip (sample_summary), a passing racy pair (racy_pair), a run with a
// version axis (axis_run), and the pieces to build others.

#include <string>
#include <vector>

#include "reporter.hpp"

namespace parity::test_support {

inline NormalizedRun make_run(double wall_s, std::vector<std::string> lines, std::string outcome = "exit:0") {
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

inline CaseResult make_result(std::string id, StartMethod method, Impl impl, ResultCode code) {
  CaseResult result;
  result.case_id = std::move(id);
  result.start_method = method;
  result.impl = impl;
  result.code = code;
  result.expected_outcome = "exit:0";
  return result;
}

// A small run: one passing pair, one failing cpp side with a diff, one unresolved case.
inline RunSummary sample_summary() {
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
  for (int line = 1; line <= 25; ++line) cpp.runs[0].record.stderr_text += "mp: line " + std::to_string(line) + "\n";
  python.runs[0].record.stderr_text = "python says hello\n";
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

// A racy case that passes on both sides, 10 runs each: python sees 10 items in 8 runs and 0 in 2,
// cpp always 0 (a support divergence: p = 0.00036 < 0.001/2 values); the cpp result carries the
// comparison the evaluator would compute.
inline std::vector<CaseResult> racy_pair() {
  auto python = make_result("queues/racy", StartMethod::fork, Impl::python, ResultCode::pass);
  auto cpp = make_result("queues/racy", StartMethod::fork, Impl::cpp, ResultCode::pass);
  for (int run = 0; run < 10; ++run) {
    python.runs.push_back(make_run(0.1, {"done"}));
    python.runs.back().metrics["visible"] = run % 5 == 0 ? 0 : 10;
    cpp.runs.push_back(make_run(0.01, {"done"}));
    cpp.runs.back().metrics["visible"] = 0;
  }
  python.median_wall_s = 0.1;
  cpp.median_wall_s = 0.01;
  python.outcome_histogram = cpp.outcome_histogram = {{"exit:0", 10}};
  python.metric_histograms = {{"visible", {{"0", 2}, {"10", 8}}}};
  cpp.metric_histograms = {{"visible", {{"0", 10}}}};
  cpp.distributions = compare_distributions(python.outcome_histogram, cpp.outcome_histogram,
                                            python.metric_histograms, cpp.metric_histograms);
  return {python, cpp};
}

inline RunContext sample_context() {
  RunContext context;
  context.python = "python3";
  context.python_version = "3.11.7";
  context.jobs = 2;
  return context;
}

// A python result of the version axis under CPython `version`; one that is not a PASS differs from
// the reference interpreter (3.11.7) by a one-line diff.
inline CaseResult version_result(const std::string& id, StartMethod method, const std::string& version,
                                 ResultCode code, const std::string& first_difference = "") {
  CaseResult result = make_result(id, method, Impl::python, code);
  result.python_version = version;
  result.first_difference = first_difference;
  if (code != ResultCode::pass) {
    result.reasons = {"output differs from CPython 3.11.7 (the reference interpreter)"};
    result.diff = "--- python 3.11.7 [" + to_string(method) + "]\n+++ python " + version + " [" +
                  to_string(method) + "]\n@@ -1 +1 @@\n-old\n+new\n";
  }
  return result;
}

// A run with a version axis: the reference 3.11.7 and 3.8, 3.9, 3.12. queues/closed [fork, spawn]
// differs on 3.12 (FAIL, "-old | +new"); sync/lock [fork] differs on 3.9 as documented (XFAIL).
struct AxisRun {
  RunSummary summary;
  RunContext context;
};

inline AxisRun axis_run() {
  AxisRun run;
  run.context.python_version = "3.11.7";
  run.context.python_versions = {"3.8.18", "3.12.1", "3.9.18"};
  for (StartMethod method : {StartMethod::fork, StartMethod::spawn}) {
    run.summary.results.push_back(make_result("queues/closed", method, Impl::python, ResultCode::pass));
    run.summary.results.push_back(make_result("queues/closed", method, Impl::cpp, ResultCode::pass));
    run.summary.version_results.push_back(version_result("queues/closed", method, "3.8.18", ResultCode::pass));
    run.summary.version_results.push_back(version_result("queues/closed", method, "3.9.18", ResultCode::pass));
    run.summary.version_results.push_back(
        version_result("queues/closed", method, "3.12.1", ResultCode::fail, "-old | +new"));
  }
  run.summary.results.push_back(make_result("sync/lock", StartMethod::fork, Impl::python, ResultCode::pass));
  run.summary.version_results.push_back(version_result("sync/lock", StartMethod::fork, "3.8.18", ResultCode::pass));
  run.summary.version_results.push_back(
      version_result("sync/lock", StartMethod::fork, "3.9.18", ResultCode::xfail, "3.9 hangs here"));
  run.summary.version_results.push_back(version_result("sync/lock", StartMethod::fork, "3.12.1", ResultCode::pass));
  return run;
}

}  // namespace parity::test_support
