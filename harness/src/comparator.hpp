#pragma once
// Compares two normalized outputs line by line under a case's compare mode, and renders the
// difference as a unified diff.

#include <string>
#include <string_view>
#include <vector>

#include "case_result.hpp"
#include "case_spec.hpp"

namespace parity {

struct Comparison {
  bool equal = true;
  std::string diff;  // unified diff ("--- left", "+++ right", @@ hunks) when !equal; else empty
};

// Labels name the two sides in the diff headers, e.g. "python [fork]" and "cpp [fork]".
struct CompareOptions {
  CompareMode mode = CompareMode::ordered;
  std::string left_label = "expected";
  std::string right_label = "actual";
  int context = 3;  // lines of context around each hunk
};

// ordered: the same lines in the same order. unordered: the same multiset of lines (the diff is
// taken between the sorted lines). none: always equal.
Comparison compare_lines(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         const CompareOptions& options = {});

// A unified diff of two line sequences (empty when they are equal). Minimal edit script (Myers).
// Diffs are kept in reports, so they are bounded: a line longer than max_diff_line_bytes is cut
// (saying how much was left out) and the diff stops after max_diff_bytes (saying so).
inline constexpr std::size_t max_diff_bytes = 256u << 10;
inline constexpr std::size_t max_diff_line_bytes = 4u << 10;

std::string unified_diff(const std::vector<std::string>& left, const std::vector<std::string>& right,
                         std::string_view left_label, std::string_view right_label,
                         int context = 3);

// The first change of a unified diff as one line: "-removed | +added" (either may be missing);
// empty when the diff changes nothing.
std::string first_difference(std::string_view unified_diff);

// The output a set of runs stands for: the most frequent normalized output (ties: the earliest run)
// among the runs that started. With runs > 1 a deterministic case gives every run the same output;
// a racy one should compare "none" or "unordered". No started run gives an empty output.
std::vector<std::string> representative_output(const std::vector<NormalizedRun>& runs);

// The python and cpp runs of one start method under the case's compare mode, labelled
// "python [fork]" and "cpp [fork]" in the diff (or as the names given: "CPython 3.11.7",
// "CPython 3.8.18" for the version axis). When either side has no started run there is nothing to
// compare (that side is UNRESOLVED on its own): equal.
Comparison compare_runs(const CaseSpec& spec, StartMethod method,
                        const std::vector<NormalizedRun>& python_runs,
                        const std::vector<NormalizedRun>& cpp_runs,
                        std::string_view left_name = "python", std::string_view right_name = "cpp");

}  // namespace parity
