// decide_verdict(): expectations against runs, then the one expected-failure remapping.

#include "verdict.hpp"

#include "normalizer.hpp"
#include "statistics.hpp"

namespace parity {
namespace {

// The only place an expected failure changes a result (lit's Test.py does the same for XFAIL):
// under xfail a failure is XFAIL and a pass is XPASS. UNRESOLVED, SKIP and REFERENCE-CHANGED say
// something about the case or CPython, not about mp, and stay as they are.
ResultCode apply_expected_failure(ResultCode code, bool xfail) {
  if (!xfail) return code;
  switch (code) {
    case ResultCode::pass: return ResultCode::xpass;
    case ResultCode::fail:
    case ResultCode::timeout:
    case ResultCode::crash: return ResultCode::xfail;
    default: return code;
  }
}

std::string bound_str(const MetricBound& bound) {
  std::string text = "[";
  text += bound.min ? format_metric_value(*bound.min) : "-inf";
  text += ", ";
  text += bound.max ? format_metric_value(*bound.max) : "inf";
  text += "]";
  return text;
}

CaseResult blank_result(const std::string& case_id, StartMethod method, Impl impl) {
  CaseResult result;
  result.case_id = case_id;
  result.start_method = method;
  result.impl = impl;
  return result;
}

}  // namespace

CaseResult decide_verdict(const CaseSpec& spec, StartMethod method, Impl impl,
                          std::vector<NormalizedRun> runs,
                          const std::optional<OutputComparison>& comparison) {
  CaseResult result = blank_result(spec.id, method, impl);
  const Expectation expectation = spec.expectation_for(method, impl);
  result.expected_outcome = expectation.outcomes_str();
  result.override_reason = expectation.reasons();

  bool unresolved = false, crashed = false, timed_out = false, failed = false, reference_changed = false;
  if (runs.empty()) {
    unresolved = true;
    result.reasons.push_back("no runs");
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const NormalizedRun& run = runs[i];
    const std::string prefix = runs.size() > 1 ? "run " + std::to_string(i + 1) + ": " : "";
    std::optional<Outcome> observed = observed_outcome(run.record);
    if (!observed) {
      unresolved = true;
      result.reasons.push_back(prefix + "could not start: " + run.record.launch_error);
      continue;
    }
    for (const std::string& line : run.malformed_metrics) {
      unresolved = true;
      result.reasons.push_back(prefix + "malformed @metric line (want @metric NAME VALUE [UNIT]): " + line);
    }

    bool accepted = false;
    for (const Outcome& expected : expectation.outcomes) accepted = accepted || expected.accepts(*observed);
    if (!accepted) {
      if (observed->kind == Outcome::Kind::hang) {
        timed_out = true;
        result.reasons.push_back(prefix + "hung: killed after the timeout, expected " +
                                 expectation.outcomes_str());
      } else {
        (observed->kind == Outcome::Kind::signal ? crashed : failed) = true;
        result.reasons.push_back(prefix + "outcome " + observed->str() + ", expected " +
                                 expectation.outcomes_str());
      }
    }

    // A run that ended as expected must report every bounded metric; one that hung or ended
    // unexpectedly is already judged by its outcome, and only the metrics it did report count.
    bool finished_as_expected = accepted && observed->kind != Outcome::Kind::hang;
    for (const auto& [name, bound] : spec.metric_bounds) {
      auto value = run.metrics.find(name);
      if (value == run.metrics.end()) {
        if (finished_as_expected) {
          failed = true;
          result.reasons.push_back(prefix + "metric " + name + " missing, expected in " + bound_str(bound));
        }
        continue;
      }
      if ((bound.min && value->second < *bound.min) || (bound.max && value->second > *bound.max)) {
        failed = true;
        result.reasons.push_back(prefix + "metric " + name + " = " + format_metric_value(value->second) +
                                 ", outside " + bound_str(bound));
      }
    }

    // Leaks count only when the program exited: a program killed by a signal (the harness's at the
    // timeout, or any other) cannot clean up, in CPython as in mp, and the launcher removes what
    // it left anyway.
    if (observed->kind == Outcome::Kind::exit) {
      for (const ProcessInfo& process : run.record.leaked_processes) {
        failed = true;
        result.reasons.push_back(prefix + "leaked process " + std::to_string(process.pid) + ": " +
                                 process.command);
      }
      for (const std::string& entry : run.record.leaked_shm) {
        failed = true;
        result.reasons.push_back(prefix + "leaked shared memory /dev/shm/" + entry);
      }
    }
  }

  // compare = "none" is the comparator's business (it reports equal); an override with
  // compare = false turns the comparison off here, whatever it found.
  if (comparison && expectation.compare && !comparison->comparison.equal) {
    result.diff = comparison->comparison.diff;
    if (comparison->against == OutputComparison::Against::other_impl) {
      failed = true;
      result.reasons.push_back("output differs from python");
    } else {
      reference_changed = true;
      result.reasons.push_back("output differs from the recorded CPython reference");
    }
  }

  ResultCode code = ResultCode::pass;
  if (unresolved) code = ResultCode::unresolved;
  else if (crashed) code = ResultCode::crash;
  else if (timed_out) code = ResultCode::timeout;
  else if (failed) code = ResultCode::fail;
  else if (reference_changed) code = ResultCode::reference_changed;
  result.code = apply_expected_failure(code, expectation.xfail);
  if (result.code == ResultCode::xpass)
    result.reasons.push_back("expected to fail (" + expectation.reasons() + "), but passed");

  result.outcome_histogram = outcome_histogram(runs);
  result.metric_histograms = metric_histograms(runs);
  result.median_wall_s = median_wall_s(runs);
  result.runs = std::move(runs);
  return result;
}

CaseResult unresolved_result(const std::string& case_id, StartMethod method, Impl impl,
                             const std::string& message) {
  CaseResult result = blank_result(case_id, method, impl);
  result.code = ResultCode::unresolved;
  result.reasons.push_back(message);
  return result;
}

CaseResult skipped_result(const std::string& case_id, StartMethod method, Impl impl,
                          const std::string& reason) {
  CaseResult result = blank_result(case_id, method, impl);
  result.code = ResultCode::skip;
  result.reasons.push_back(reason);
  return result;
}

}  // namespace parity
