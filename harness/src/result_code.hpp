#pragma once
// The closed result taxonomy. Each code is declared once, in one table, with every property anyone
// asks of it (as LLVM lit's ResultCode carries its own name and isFailure): its spelling in
// reports, whether it fails the run, how a verdict ranks it, what an expected failure turns it
// into, its JUnit element and its console colour. Verdicts and reporters ask the table; none of
// them switches over codes.

#include <span>
#include <string>
#include <string_view>

namespace parity {

enum class ResultCode { pass, fail, xfail, xpass, timeout, crash, unresolved, skip, reference_changed };

// How a JUnit testcase carries a result: nothing (passed), <failure>, <error> or <skipped>.
enum class JunitElement { none, failure, error, skipped };

// The console's colour for a result (only on a TTY).
enum class ConsoleColor { green, red, magenta, cyan };

struct ResultCodeInfo {
  ResultCode code;
  std::string_view name;    // as every report spells it: "PASS", ..., "REFERENCE-CHANGED"
  bool is_failure;          // fails the run (exit status 1): all but PASS, XFAIL and SKIP
  // When one verdict finds several problems, the code with the highest severity is the result:
  // UNRESOLVED > CRASH > TIMEOUT > FAIL > REFERENCE-CHANGED > PASS.
  int severity;
  // What the code becomes when the case is expected to fail (xfail): a failure of mp is XFAIL, a
  // pass XPASS; what says something about the case or CPython (UNRESOLVED, SKIP,
  // REFERENCE-CHANGED) stays as it is.
  ResultCode under_xfail;
  JunitElement junit;
  ConsoleColor color;
  // A version's cell in the version matrix (version_matrix.hpp): holds (as the reference
  // interpreter), differs, differs as an override documents, drifted from its own recording,
  // skipped, unresolved.
  std::string_view version_mark;
};

// The properties of one code.
const ResultCodeInfo& info(ResultCode code);
// Every code, in declaration order.
std::span<const ResultCodeInfo> all_result_codes();

inline std::string to_string(ResultCode code) { return std::string(info(code).name); }
inline bool is_failure(ResultCode code) { return info(code).is_failure; }

}  // namespace parity
