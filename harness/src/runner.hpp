#pragma once
// The runner: discovers cases, expands them into program runs (case x start method x {python, cpp}
// x runs x --repeat), runs those on a pool of worker threads, and turns each finished
// case x start method into CaseResults (normalize, compare, verdict, statistics, reference check)
// that it hands to a Reporter. It produces data only; reporters format it.
//
// A case that cannot be loaded or built becomes UNRESOLVED with the message; the run goes on.

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_spec.hpp"
#include "reporter.hpp"

namespace parity {

// Which cases: a filter is a glob on the case id when it holds any of `*?[`, else a substring of
// it (or, with exact, the whole id). Several filters: a case matching any of them.
struct CaseSelection {
  std::vector<std::filesystem::path> case_roots;  // empty: default_case_root()
  std::vector<std::string> filters;               // empty: every case
  bool exact = false;
  std::optional<StartMethod> start_method;        // empty: each of the case's start methods
  std::optional<Impl> impl;                       // empty: both implementations
  int shard_index = 1;                            // 1-based: this process runs shard I of N
  int shard_count = 1;
};

struct RunOptions {
  CaseSelection selection;
  int jobs = 0;                   // worker threads; 0: hardware cores
  int repeat = 1;                 // multiplies each case's `runs`
  double timeout_multiplier = 1;  // scales each case's timeout_s
  std::string python = "python3";
  // --param KEY=VALUE: added to (or replacing) every selected case's params, e.g. a benchmark's
  // batches or an injected slowdown.
  std::map<std::string, std::string> params;
  std::filesystem::path build_dir = PARITY_BUILD_DIR;
  // Recorded CPython results: reference/<python-version>/<case id>/<start method>.json.
  std::filesystem::path reference_dir = std::filesystem::path(PARITY_SOURCE_DIR) / "reference";
  bool check_reference = true;    // REFERENCE-CHANGED when live CPython differs from a recording
  bool collect_stacks = true;     // on timeout, stacks of every process before the kill
  // Time each implementation's empty program once per run (startup_floor.hpp) when the run holds
  // more than one case x start method (a single one, as CTest runs them, would pay more for it
  // than for the case).
  bool measure_startup_floor = true;
  // Set (by a signal handler's helper) to stop: no new program starts, nothing more is reported,
  // and run() returns without calling finalize.
  const std::atomic<bool>* cancel = nullptr;
};

std::filesystem::path default_case_root();  // PARITY_SOURCE_DIR/cases

// True when case_id is selected by the filters (see CaseSelection).
bool matches_filters(const std::string& case_id, const std::vector<std::string>& filters,
                     bool exact);

// Discovery plus filtering and sharding; sorted by id. Unloadable cases are kept (UNRESOLVED).
std::vector<LoadedCase> select_cases(const CaseSelection& selection);

class Launcher;
// What `<python> -c ...` says about itself. Both empty when the interpreter cannot be run.
struct PythonIdentity {
  std::string version;     // "3.11.7"
  std::string executable;  // sys.executable: the real interpreter behind a shim such as pyenv's
};
PythonIdentity identify_python(Launcher& launcher, const std::string& python);

class Runner {
 public:
  explicit Runner(RunOptions options);

  // Runs everything selected; reporter sees report_context, report_results per finished
  // case x start method, and finalize. Returns the summary handed to finalize.
  RunSummary run(Reporter& reporter, const std::string& command = "run");

 private:
  RunOptions options_;
};

}  // namespace parity
