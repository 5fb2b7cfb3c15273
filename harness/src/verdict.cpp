// decide_verdict(): expectations against runs, then the one expected-failure remapping.

#include "verdict.hpp"

#include <algorithm>

#include "statistics.hpp"

namespace parity {
namespace {

std::string bound_str(const MetricBound& bound) {
  std::string text = "[";
  text += bound.min ? format_metric_value(*bound.min) : "-inf";
  text += ", ";
  text += bound.max ? format_metric_value(*bound.max) : "inf";
  text += "]";
  return text;
}

// Whether a comparison fails the case's [expect.distribution].
bool diverges(const VariableComparison& comparison, const DistributionExpectation& expected) {
  const bool support = !comparison.only_python.empty() || !comparison.only_cpp.empty();
  switch (expected.compare) {
    case DistributionCompare::none: return false;
    case DistributionCompare::support: return support;
    case DistributionCompare::test: return support || comparison.p_value < expected.alpha;
  }
  return false;
}

// some_run_min / some_run_max over the runs that reported the metric: a race the case claims must
// show on this side in at least one run.
std::optional<std::string> unreached(const std::string& name, const MetricBound& bound,
                                     const std::vector<NormalizedRun>& runs) {
  std::optional<double> lowest, highest;
  for (const NormalizedRun& run : runs) {
    auto value = run.metrics.find(name);
    if (value == run.metrics.end()) continue;
    lowest = lowest ? std::min(*lowest, value->second) : value->second;
    highest = highest ? std::max(*highest, value->second) : value->second;
  }
  if (!highest) return std::nullopt;  // missing everywhere: reported per run
  const std::string runs_text = std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs");
  if (bound.some_run_min && *highest < *bound.some_run_min)
    return "metric " + name + " never reached " + format_metric_value(*bound.some_run_min) + " in " +
           runs_text + " (highest " + format_metric_value(*highest) + "): the race was not observed";
  if (bound.some_run_max && *lowest > *bound.some_run_max)
    return "metric " + name + " never went down to " + format_metric_value(*bound.some_run_max) + " in " +
           runs_text + " (lowest " + format_metric_value(*lowest) + "): the race was not observed";
  return std::nullopt;
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
  std::vector<OutputComparison> comparisons;
  if (comparison) comparisons.push_back(*comparison);
  return decide_verdict(spec, method, impl, std::move(runs), comparisons, {});
}

CaseResult decide_verdict(const CaseSpec& spec, StartMethod method, Impl impl,
                          std::vector<NormalizedRun> runs,
                          const std::vector<OutputComparison>& comparisons,
                          const std::string& judged_with, const std::string& axis_version) {
  CaseResult result = blank_result(spec.id, method, impl);
  result.python_version = axis_version;
  const Expectation expectation = spec.expectation_for(method, impl, judged_with);
  result.expected_outcome = expectation.outcomes_str();
  result.override_reason = expectation.reasons();

  // Every problem found is a reason; the most severe code among them is the result.
  ResultCode found = ResultCode::pass;
  auto finding = [&](ResultCode code, std::string reason) {
    if (info(code).severity > info(found).severity) found = code;
    result.reasons.push_back(std::move(reason));
  };
  if (runs.empty()) finding(ResultCode::unresolved, "no runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const NormalizedRun& run = runs[i];
    const std::string prefix = runs.size() > 1 ? "run " + std::to_string(i + 1) + ": " : "";
    const std::optional<Outcome>& observed = run.outcome;
    if (!observed) {
      finding(ResultCode::unresolved, prefix + "could not start: " + run.record.launch_error);
      continue;
    }
    for (const std::string& line : run.malformed_metrics)
      finding(ResultCode::unresolved,
              prefix + "malformed @metric line (want @metric NAME VALUE [UNIT]): " + line);
    for (const std::string& line : run.malformed_samples)
      finding(ResultCode::unresolved,
              prefix + "malformed @sample line (want @sample NAME VALUE UNIT, UNIT one of ns us "
                       "ms s items/s B/s, one unit per NAME): " + line);

    // Past the limit the outputs are cut at the same place: comparing what is left could call two
    // different outputs equal.
    if (run.record.stdout_exceeded())
      finding(ResultCode::fail, prefix + "output exceeds the capture limit (" +
                                    std::to_string(run.record.stdout_bytes) + " bytes of stdout, " +
                                    std::to_string(capture_limit_bytes) + " kept): not compared");

    bool accepted = false;
    for (const Outcome& expected : expectation.outcomes) accepted = accepted || expected.accepts(*observed);
    if (!accepted) {
      if (observed->kind == Outcome::Kind::hang) {
        finding(ResultCode::timeout,
                prefix + "hung: killed after the timeout, expected " + expectation.outcomes_str());
      } else {
        finding(observed->kind == Outcome::Kind::signal ? ResultCode::crash : ResultCode::fail,
                prefix + "outcome " + observed->str() + ", expected " + expectation.outcomes_str());
      }
    }

    // A run that ended as expected must report every bounded metric and sample; one that hung or
    // ended unexpectedly is already judged by its outcome, and only what it did report counts.
    bool finished_as_expected = accepted && observed->kind != Outcome::Kind::hang;
    auto check_bounds = [&](const std::map<std::string, MetricBound>& bounds, const char* what,
                            auto value_of) {
      for (const auto& [name, bound] : bounds) {
        std::optional<double> value = value_of(name);
        if (!value) {
          if (finished_as_expected)
            finding(ResultCode::fail, prefix + what + name + " missing, expected in " + bound_str(bound));
          continue;
        }
        if ((bound.min && *value < *bound.min) || (bound.max && *value > *bound.max))
          finding(ResultCode::fail, prefix + what + name + " = " + format_metric_value(*value) +
                                        ", outside " + bound_str(bound));
      }
    };
    check_bounds(expectation.metric_bounds, "metric ", [&](const std::string& name) -> std::optional<double> {
      auto value = run.metrics.find(name);
      if (value == run.metrics.end()) return std::nullopt;
      return value->second;
    });
    check_bounds(expectation.sample_bounds, "median of samples ",
                 [&](const std::string& name) -> std::optional<double> {
                   auto values = run.samples.find(name);
                   if (values == run.samples.end() || values->second.empty()) return std::nullopt;
                   return median(values->second);
                 });

    // Leaks count only when the program exited: a program killed by a signal (the harness's at the
    // timeout, or any other) cannot clean up, in CPython as in mp, and the launcher removes what
    // it left anyway.
    if (observed->kind == Outcome::Kind::exit) {
      for (const ProcessInfo& process : run.record.leaked_processes)
        finding(ResultCode::fail,
                prefix + "leaked process " + std::to_string(process.pid) + ": " + process.command);
      for (const std::string& entry : run.record.leaked_shm)
        finding(ResultCode::fail, prefix + "leaked shared memory /dev/shm/" + entry);
    }
  }

  for (const auto& [name, bound] : expectation.metric_bounds)
    if (auto reason = unreached(name, bound, runs)) finding(ResultCode::fail, *reason);

  std::string not_compared;
  // compare = "none" is the comparator's business (it reports equal); an override with
  // compare = false turns the comparison off here, whatever it found. The first comparison that
  // differs gives the result its diff.
  for (const OutputComparison& comparison : comparisons) {
    if (comparison.against == OutputComparison::Against::not_comparable) {
      // Said only of a result that passes otherwise: a failing one is explained by its own reasons.
      not_compared = comparison.comparison.diff;
    } else if (expectation.compare && !comparison.comparison.equal) {
      if (result.diff.empty()) result.diff = comparison.comparison.diff;
      switch (comparison.against) {
        case OutputComparison::Against::other_impl:
          finding(ResultCode::fail, "output differs from python");
          break;
        case OutputComparison::Against::reference:
          finding(ResultCode::reference_changed, "output differs from the recorded CPython reference");
          break;
        case OutputComparison::Against::cpp_against_reference:
          finding(ResultCode::fail,
                  "output differs from the recorded CPython reference (the live python side failed)");
          break;
        case OutputComparison::Against::reference_interpreter:
          finding(ResultCode::fail, "output differs from CPython " + comparison.reference_version +
                                        " (the reference interpreter)");
          break;
        case OutputComparison::Against::not_comparable:
          break;
      }
    }
    if (!comparison.distributions.empty()) result.distributions = comparison.distributions;
    for (const VariableComparison& distribution : comparison.distributions)
      if (expectation.compare && !expectation.distribution_exempt.contains(distribution.name) &&
          diverges(distribution, spec.distribution))
        finding(ResultCode::fail, "distribution differs from python's: " + describe(distribution) + "; " +
                                      histograms_text(distribution));
  }

  if (!not_compared.empty() && found == ResultCode::pass) result.reasons.push_back(not_compared);

  // The only place an expected failure changes a result (lit's Test.py does the same for XFAIL).
  result.code = expectation.xfail ? info(found).under_xfail : found;
  if (result.code == ResultCode::xpass)
    result.reasons.push_back("expected to fail (" + expectation.reasons() + "), but passed");

  // Where an axis version departs from the reference interpreter: its output's first differing
  // lines (also where an override turned the comparison off: the difference is documented, not
  // gone), else the first thing found (an outcome, a metric). Drift from its own recording alone
  // is not a difference between versions.
  if (!axis_version.empty()) {
    for (const OutputComparison& comparison : comparisons)
      if (comparison.against == OutputComparison::Against::reference_interpreter &&
          !comparison.comparison.equal)
        result.first_difference = first_difference(comparison.comparison.diff);
    if (result.first_difference.empty() && found != ResultCode::pass &&
        found != ResultCode::reference_changed)
      result.first_difference = result.reasons.front();
  }

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
