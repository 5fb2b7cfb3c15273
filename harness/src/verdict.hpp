#pragma once
// The verdict: from a case's expectations and what its runs did, one ResultCode with its reasons.
// The expected-failure remapping (xfail: FAIL/TIMEOUT/CRASH -> XFAIL, PASS -> XPASS) happens in
// exactly one place, decide_verdict(), as lit's Test.py does it.

#include <optional>
#include <string>
#include <vector>

#include "case_result.hpp"
#include "case_spec.hpp"
#include "comparator.hpp"
#include "distribution_comparison.hpp"

namespace parity {

// The output comparison a result is judged on: the cpp side against the python side, or the python
// side against the recorded reference (a difference there is REFERENCE-CHANGED, not FAIL). When the
// python side itself failed, the cpp side is judged against the recorded reference instead
// (cpp_against_reference: a difference is FAIL), or, without one, not compared at all
// (not_comparable: comparison.diff says why, as the reason of a result that passes otherwise).
// Against the other implementation it also carries the racy case's distributions (both sides with
// more than one run): judged as [expect.distribution] says, and kept on the result for reports.
// An axis interpreter's python side (--python-versions) is compared with the reference
// interpreter's python side (a difference is FAIL: "output differs from CPython 3.11.7") and with
// its own version's recording.
struct OutputComparison {
  enum class Against { other_impl, reference, cpp_against_reference, not_comparable, reference_interpreter };
  Comparison comparison;
  Against against = Against::other_impl;
  std::vector<VariableComparison> distributions;
  std::string reference_version;  // Against::reference_interpreter: its version, for the reason
};

// Judges one case x start method x implementation over all its runs. Every run must satisfy the
// invariants: its outcome is accepted by the expectation, each [expect.metrics] bound holds (a
// missing metric fails it), and, when it exited (not killed by a signal), nothing leaked. Then:
//   - UNRESOLVED: no runs, a run that never started, or a malformed @metric line (the case is broken);
//   - CRASH: a run killed by a signal no expectation accepts;
//   - TIMEOUT: a run that hung (killed at the timeout) where hang is not expected;
//   - FAIL: an exit outcome not expected, a metric out of bounds or missing, a some_run_min /
//     some_run_max no run reached, a leak, an output that differs from the other implementation,
//     or a distribution that does by [expect.distribution] (both unless the expectation turns
//     compare off);
//   - REFERENCE-CHANGED: otherwise passing, but differs from the recorded reference;
//   - PASS otherwise. The first applicable of CRASH, TIMEOUT, FAIL wins; reasons list every failure.
// Then the xfail remapping. The result carries the runs, the outcome and metric histograms, the
// median wall time and the diff. ratio_to_python is left for the caller (see statistics.hpp).
CaseResult decide_verdict(const CaseSpec& spec, StartMethod method, Impl impl,
                          std::vector<NormalizedRun> runs,
                          const std::optional<OutputComparison>& comparison = std::nullopt);

// The same with every comparison the result is judged on, and the CPython version it is judged
// with (which [[expect.override]] python ranges apply: the axis interpreter's own for its python
// result, the reference interpreter's otherwise; empty: none applies). An axis result
// (axis_version non-empty) carries it as CaseResult::python_version, with its first difference.
CaseResult decide_verdict(const CaseSpec& spec, StartMethod method, Impl impl,
                          std::vector<NormalizedRun> runs,
                          const std::vector<OutputComparison>& comparisons,
                          const std::string& judged_with, const std::string& axis_version = {});

// A case that could not be judged (bad case.toml, C++ build failure, harness error): UNRESOLVED.
CaseResult unresolved_result(const std::string& case_id, StartMethod method, Impl impl,
                             const std::string& message);

// A combination that does not run here (start method not listed, filtered out, unsupported): SKIP.
CaseResult skipped_result(const std::string& case_id, StartMethod method, Impl impl,
                          const std::string& reason);

}  // namespace parity
