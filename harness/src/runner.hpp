#pragma once
// The runner: selects cases (case_selection.hpp), plans their program runs (run_plan.hpp), runs
// those on a pool of worker threads (scheduler.hpp) through the Launcher, and turns each finished
// case x start method into CaseResults (case_evaluator.hpp: normalize, compare, verdict,
// statistics, reference check) that it hands to a Reporter. It produces data only; reporters
// format it.
//
// A case that cannot be loaded or built becomes UNRESOLVED with the message; the run goes on.

#include <atomic>
#include <filesystem>
#include <map>
#include <string>

#include "case_selection.hpp"
#include "python_versions.hpp"
#include "reporter.hpp"

namespace parity {

struct RunOptions {
  CaseSelection selection;
  int jobs = 0;                   // worker threads; 0: hardware cores
  int repeat = 1;                 // multiplies each case's `runs`
  int runs = 0;                   // > 0: every case runs this many times instead (show --repeat)
  double timeout_multiplier = 1;  // scales each case's timeout_s
  std::string python = "python3";
  // The version axis (--python-versions, python_versions.hpp): the python side of every unit also
  // runs under each of these (resolved, the reference's minor version left out). Their results
  // are reported with the others and kept apart in RunSummary::version_results.
  std::vector<Interpreter> python_versions;
  // --param KEY=VALUE: added to (or replacing) every selected case's params, e.g. a benchmark's
  // batches or an injected slowdown.
  std::map<std::string, std::string> params;
  std::filesystem::path build_dir = PARITY_BUILD_DIR;
  // --against-build: another build tree whose C++ case programs run beside this build's,
  // alternating run by run (this, other, this, other, ...), cpp side only. Its results go to
  // RunSummary::against_build_results, never to the reporter.
  std::optional<std::filesystem::path> against_build;
  // Recorded CPython results: reference/<python-version>/<case id>/<start method>.json.
  std::filesystem::path reference_dir = std::filesystem::path(PARITY_SOURCE_DIR) / "reference";
  bool check_reference = true;    // REFERENCE-CHANGED when live CPython differs from a recording
  bool collect_stacks = true;     // on timeout, stacks of every process before the kill
  // ... also where the hang is expected (then nobody reads them unless asked: show, --all-stacks).
  bool stacks_of_expected_hangs = false;
  // Stop early (-x, --max-failures N): once N failing results are reported no new program starts;
  // what is running finishes and is reported, the rest counts as RunSummary::not_run. 0: never.
  int max_failures = 0;
  // Time each implementation's empty program once per run (startup_floor.hpp) when the run holds
  // more than one case x start method (a single one, as CTest runs them, would pay more for it
  // than for the case).
  bool measure_startup_floor = true;
  // Set (by a signal handler's helper) to stop: no new program starts, nothing more is reported,
  // and run() returns without calling finalize.
  const std::atomic<bool>* cancel = nullptr;
};

class Runner {
 public:
  explicit Runner(RunOptions options);

  // Runs everything selected; reporter sees report_context, report_results per finished
  // case x start method, and finalize. Returns the summary handed to finalize. `command` names
  // the run in its context: "run", "record" (python only, with a ReferenceWriter), "show".
  RunSummary run(Reporter& reporter, const std::string& command = "run");

 private:
  RunOptions options_;
};

}  // namespace parity
