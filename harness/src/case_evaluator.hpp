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

struct UnitRuns {
  const CaseSpec* spec = nullptr;
  StartMethod method = StartMethod::fork;
  std::map<Impl, std::vector<RunRecord>> records;  // implementations that ran, every run
  std::map<Impl, std::string> unresolved;          // implementations that could not run, and why
  std::optional<ReferenceRecord> reference;        // recorded CPython result, if any
  std::string python_version;                      // of the live interpreter, for diff labels
};

// One CaseResult per implementation in records or unresolved, python first.
std::vector<CaseResult> evaluate_unit(const UnitRuns& unit);

// UNRESOLVED results for a case that could not be loaded: one per start method x implementation.
std::vector<CaseResult> unresolved_results(const std::string& case_id,
                                           const std::vector<StartMethod>& methods,
                                           const std::vector<Impl>& impls,
                                           const std::string& message);

}  // namespace parity
