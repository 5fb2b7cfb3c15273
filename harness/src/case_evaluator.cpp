#include "case_evaluator.hpp"

#include <algorithm>

#include "comparator.hpp"
#include "distribution_comparison.hpp"
#include "normalizer.hpp"
#include "statistics.hpp"
#include "verdict.hpp"

namespace parity {
namespace {

// Live CPython against its recording: every run's output must be one of the recorded outputs and
// its outcome one of the recorded outcomes. Where the case itself declares several acceptable
// outcomes (a race), the recorded ones are only a sample, so a new one is not drift.
Comparison compare_with_reference(const CaseSpec& spec, StartMethod method,
                                  const std::vector<NormalizedRun>& runs,
                                  const ReferenceRecord& reference,
                                  const std::string& live_version) {
  const bool outcomes_sampled =
      spec.expectation_for(method, Impl::python, live_version).outcomes.size() > 1;
  CompareOptions options;
  options.mode = spec.compare;
  options.left_label = "reference (CPython " + reference.python_version + ")";
  options.right_label = "python (CPython " + live_version + ", live)";
  Comparison result;
  std::string outcome_notes;
  const NormalizedRun* first_mismatch = nullptr;
  for (const auto& run : runs) {
    const std::string live = outcome_text(run.outcome);
    if (!outcomes_sampled &&
        std::find(reference.outcomes.begin(), reference.outcomes.end(), live) ==
            reference.outcomes.end()) {
      std::string recorded;
      for (const auto& outcome : reference.outcomes) recorded += (recorded.empty() ? "" : " | ") + outcome;
      outcome_notes = "outcome: recorded " + recorded + ", live " + live + "\n";
      result.equal = false;
    }
    bool known = reference.outputs.empty() && spec.compare == CompareMode::none;
    for (const auto& output : reference.outputs) {
      if (compare_lines(output, run.lines, options).equal) {
        known = true;
        break;
      }
    }
    if (!known && !first_mismatch) first_mismatch = &run;
  }
  if (first_mismatch) {
    result.equal = false;
    const auto& recorded = reference.outputs.empty() ? std::vector<std::string>{} : reference.outputs.front();
    result.diff = compare_lines(recorded, first_mismatch->lines, options).diff;
  }
  result.diff = outcome_notes + result.diff;
  return result;
}

// Results live until the run ends (every reporter sees them then): each run's raw streams are cut
// to what a report can show, once they have been normalized and judged. The normalized lines stay
// whole (parity record stores them).
constexpr std::size_t max_kept_stream_bytes = 1u << 20;

void bound_kept_output(CaseResult& result) {
  for (NormalizedRun& run : result.runs) {
    for (std::string* text : {&run.record.stdout_text, &run.record.stderr_text, &run.record.stacks}) {
      if (text->size() <= max_kept_stream_bytes) continue;
      const std::size_t size = text->size();
      text->resize(max_kept_stream_bytes);
      text->shrink_to_fit();
      *text += "\n[parity: cut at " + std::to_string(max_kept_stream_bytes) + " of " +
               std::to_string(size) + " bytes]\n";
    }
  }
}

// The cpp side when the live python side failed: its output against the recorded CPython outputs,
// equal to any of them being enough.
Comparison compare_cpp_with_reference(const CaseSpec& spec, StartMethod method,
                                      const std::vector<NormalizedRun>& cpp_runs,
                                      const ReferenceRecord& reference) {
  CompareOptions options;
  options.mode = spec.compare;
  options.left_label = "reference (CPython " + reference.python_version + ") [" + to_string(method) + "]";
  options.right_label = "cpp [" + to_string(method) + "]";
  const std::vector<std::string> cpp = representative_output(cpp_runs);
  for (const auto& output : reference.outputs)
    if (compare_lines(output, cpp, options).equal) return {};
  if (reference.outputs.empty()) return {};
  return compare_lines(reference.outputs.front(), cpp, options);
}

// Whether a python result is one the cpp side cannot be compared with: the live CPython run itself
// failed. An expected failure (XFAIL) still is a baseline, and so is REFERENCE-CHANGED: the live
// CPython met the case's expectations, only the recording is of another behaviour.
bool python_side_failed(const CaseResult& python) {
  switch (python.code) {
    case ResultCode::fail:
    case ResultCode::timeout:
    case ResultCode::crash:
    case ResultCode::unresolved:
      return true;
    default:
      return false;
  }
}

// One interpreter of the version axis: judged with its own version (its [[expect.override]]
// python ranges), against the reference interpreter's python runs (when they ran) and its own
// recording.
CaseResult evaluate_version(const UnitRuns& unit, const VersionRuns& version,
                            const std::vector<NormalizedRun>* reference_runs) {
  const CaseSpec& spec = *unit.spec;
  if (!version.unresolved.empty()) {
    CaseResult result = unresolved_result(spec.id, unit.method, Impl::python, version.unresolved);
    result.python_version = version.version;
    result.first_difference = version.unresolved;
    return result;
  }
  const Normalizer normalizer(spec);
  std::vector<NormalizedRun> runs;
  for (const RunRecord& record : version.records) runs.push_back(normalizer.normalize(record));
  std::vector<OutputComparison> comparisons;
  if (reference_runs) {
    OutputComparison& comparison = comparisons.emplace_back(OutputComparison{
        compare_runs(spec, unit.method, *reference_runs, runs, "CPython " + unit.python_version,
                     "CPython " + version.version),
        OutputComparison::Against::reference_interpreter});
    comparison.reference_version = unit.python_version;
  }
  if (version.reference)
    comparisons.push_back(OutputComparison{
        compare_with_reference(spec, unit.method, runs, *version.reference, version.version),
        OutputComparison::Against::reference});
  return decide_verdict(spec, unit.method, Impl::python, std::move(runs), comparisons,
                        version.version, version.version);
}

}  // namespace

std::vector<CaseResult> evaluate_unit(const UnitRuns& unit) {
  const CaseSpec& spec = *unit.spec;
  const Normalizer normalizer(spec);
  std::map<Impl, std::vector<NormalizedRun>> runs;
  for (const auto& [impl, records] : unit.records) {
    if (unit.unresolved.count(impl)) continue;
    for (const auto& record : records) runs[impl].push_back(normalizer.normalize(record));
  }

  std::vector<CaseResult> results;
  std::optional<std::size_t> python_index;
  for (Impl impl : {Impl::python, Impl::cpp}) {
    if (auto why = unit.unresolved.find(impl); why != unit.unresolved.end()) {
      results.push_back(unresolved_result(spec.id, unit.method, impl, why->second));
      continue;
    }
    auto own = runs.find(impl);
    if (own == runs.end()) continue;
    std::vector<OutputComparison> comparisons;
    if (impl == Impl::python && unit.reference) {
      comparisons.push_back(OutputComparison{
          compare_with_reference(spec, unit.method, own->second, *unit.reference,
                                 unit.python_version),
          OutputComparison::Against::reference});
    } else if (impl == Impl::cpp && python_index && python_side_failed(results[*python_index])) {
      const std::string python_code(info(results[*python_index].code).name);
      if (unit.reference && !unit.reference->outputs.empty()) {
        comparisons.push_back(OutputComparison{
            compare_cpp_with_reference(spec, unit.method, own->second, *unit.reference),
            OutputComparison::Against::cpp_against_reference});
      } else {
        comparisons.push_back(OutputComparison{
            Comparison{true, "output not compared: the python side is " + python_code +
                                 " and no CPython reference is recorded"},
            OutputComparison::Against::not_comparable});
      }
    } else if (impl == Impl::cpp && runs.count(Impl::python)) {
      const auto& python_runs = runs.at(Impl::python);
      OutputComparison& comparison = comparisons.emplace_back(OutputComparison{
          compare_runs(spec, unit.method, python_runs, own->second),
          OutputComparison::Against::other_impl});
      if (python_runs.size() > 1 && own->second.size() > 1) {
        DistributionOptions options;
        options.alpha = spec.distribution.alpha;
        comparison.distributions = compare_distributions(
            outcome_histogram(python_runs), outcome_histogram(own->second),
            metric_histograms(python_runs), metric_histograms(own->second), options);
      }
    }
    results.push_back(
        decide_verdict(spec, unit.method, impl, own->second, comparisons, unit.python_version));
    if (impl == Impl::python) python_index = results.size() - 1;
  }
  // No ratio where a side hung: its wall time is the timeout plus the stack collection (gdb is
  // much slower than faulthandler), which says nothing about either implementation's speed.
  auto any_hung = [](const CaseResult& result) {
    return std::any_of(result.runs.begin(), result.runs.end(),
                       [](const NormalizedRun& run) { return run.record.timed_out; });
  };
  if (python_index && !any_hung(results[*python_index])) {
    for (auto& result : results) {
      if (result.impl == Impl::cpp && !result.runs.empty() && !any_hung(result))
        set_ratio_to_python(result, results[*python_index]);
    }
  }
  for (const VersionRuns& version : unit.versions)
    results.push_back(evaluate_version(unit, version, runs.find(Impl::python) != runs.end()
                                                          ? &runs.at(Impl::python)
                                                          : nullptr));
  for (auto& result : results) summarize_samples(result);
  for (auto& result : results) bound_kept_output(result);
  for (auto& result : results)
    if (result.impl == Impl::cpp)
      set_operation_ratios(result, python_index ? &results[*python_index] : nullptr);
  return results;
}

std::vector<CaseResult> unresolved_results(const std::string& case_id,
                                           const std::vector<StartMethod>& methods,
                                           const std::vector<Impl>& impls,
                                           const std::string& message) {
  std::vector<CaseResult> results;
  for (StartMethod method : methods) {
    for (Impl impl : impls) results.push_back(unresolved_result(case_id, method, impl, message));
  }
  return results;
}

}  // namespace parity
