#pragma once
// From the raw runs of one case x start method to its CaseResults: normalization, the python/cpp
// comparison, the verdict, timing statistics and histograms, and the reference check. The one
// place the runner's data meets the normalizer, comparator and verdict.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_result.hpp"
#include "case_spec.hpp"
#include "reference_store.hpp"
#include "run_record.hpp"

namespace parity {

// The python side of a unit under one interpreter of the version axis (--python-versions).
struct VersionRuns {
  std::string version;                       // "3.8.18"
  std::vector<RunRecord> records;            // every run, when it ran
  std::string unresolved;                    // why it could not run; empty when it ran
  std::optional<ReferenceRecord> reference;  // its own version's recording, if any
};

struct UnitRuns {
  const CaseSpec* spec = nullptr;
  StartMethod method = StartMethod::fork;
  std::map<Impl, std::vector<RunRecord>> records;  // implementations that ran, every run
  std::map<Impl, std::string> unresolved;          // implementations that could not run, and why
  std::optional<ReferenceRecord> reference;        // recorded CPython result, if any
  std::string python_version;                      // of the live interpreter, for diff labels
  std::vector<VersionRuns> versions;               // the version axis, in its order
};

// One CaseResult per implementation in records or unresolved, python first; then one per
// version of the axis (CaseResult::python_version set), each compared with the reference
// interpreter's python runs and with its own recording.
std::vector<CaseResult> evaluate_unit(const UnitRuns& unit);

// UNRESOLVED results for a case that could not be loaded: one per start method x implementation.
std::vector<CaseResult> unresolved_results(const std::string& case_id,
                                           const std::vector<StartMethod>& methods,
                                           const std::vector<Impl>& impls,
                                           const std::string& message);

}  // namespace parity
