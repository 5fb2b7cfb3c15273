#pragma once
// How a run ended, as a value: what case.toml expects ([expect] outcome) and what a run did. A
// run's outcome is decided once, by observed_outcome() when the normalizer makes a NormalizedRun,
// and stays typed until a reporter writes it (outcome_text).

#include <optional>
#include <string>
#include <string_view>

#include "run_record.hpp"

namespace parity {

// An outcome: "exit:N", "signal:NAME", "hang" (the harness killed it at the timeout), "crash"
// (killed by any signal the harness did not send). Observed outcomes are exit, signal or hang;
// "crash" only appears in expectations.
struct Outcome {
  enum class Kind { exit, signal, hang, crash };
  Kind kind = Kind::exit;
  int value = 0;  // exit code, or signal number
  // "exit:3", "signal:SIGSEGV" (also "signal:SEGV", "signal:11"), "hang", "crash".
  static std::optional<Outcome> parse(std::string_view text);
  std::string str() const;  // canonical: "exit:3", "signal:SIGSEGV", "hang", "crash"
  // Whether an observed outcome satisfies this expected one: equal, or this is crash and the
  // observed one is any signal.
  bool accepts(const Outcome& observed) const;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// How a run ended: hang when the harness killed it at the timeout, else its exit status. Empty
// when the program never started (RunRecord::launch_error).
std::optional<Outcome> observed_outcome(const RunRecord& record);

// An observed outcome as reports and references spell it: Outcome::str(), or "launch-error" when
// the program never started.
std::string outcome_text(const std::optional<Outcome>& outcome);

}  // namespace parity
