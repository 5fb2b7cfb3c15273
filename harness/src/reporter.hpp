#pragma once
// The reporter interface: the runner produces CaseResults, reporters only format them (as
// google/benchmark's BenchmarkReporter). A run drives any number of reporters at once, e.g. the
// console (display) plus JSON and JUnit files, through ReporterList.
//
// Call order, from one thread at a time (the runner serializes calls):
//   report_context once, report_results once per finished case x start method (in completion
//   order), finalize once with every result sorted by case, start method, implementation.

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "case_result.hpp"
#include "run_metadata.hpp"

namespace parity {

// What the run is, known before any case runs.
struct RunContext {
  std::string command = "run";         // "run", "record", "show"
  std::string python;                  // the interpreter as given (--python)
  std::string python_version;          // "3.11.7"; empty if it could not be asked
  std::string python_executable;       // its sys.executable, which the cases run with
  // The version axis (--python-versions): the other interpreters' versions ("3.8.18"), sorted;
  // empty without the axis.
  std::vector<std::string> python_versions;
  std::vector<std::filesystem::path> case_roots;
  int jobs = 1;
  int repeat = 1;
  int shard_index = 1;                 // 1-based, as --shard I/N
  int shard_count = 1;
  double timeout_multiplier = 1;
  int total_results = 0;               // how many report_results entries will arrive
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
  RunMetadata metadata;                // commit, build, machine, load at the start
};

// One finished case x start method: its results (one per implementation that ran), and where they
// stand in the run ([done/total] counts results, not programs).
struct ResultBatch {
  const std::vector<CaseResult>& results;
  int done = 0;   // results finished so far, including these
  int total = 0;
  const CaseSpec* spec = nullptr;  // the case they are of; null when it could not be loaded
};

// Everything, at the end.
// A conformance case: any outside perf/ (whose benchmark cases need their repetitions).
inline bool is_catalog_case(std::string_view case_id) { return case_id.rfind("perf/", 0) != 0; }

struct RunSummary {
  std::vector<CaseResult> results;   // sorted: case id, start method, implementation
  double elapsed_s = 0;              // wall time of the whole run
  // Wall time from the start to the last result of a conformance case (is_catalog_case): perf/'s
  // benchmark cases are exclusive and run after all others, so this is the catalog's time. 0: none.
  double catalog_elapsed_s = 0;
  double busy_s = 0;                 // CPU time (user + sys) of the harness and all it reaped
  double worker_busy_s = 0;          // time worker threads spent running or building programs
  int jobs = 1;
  std::array<double, 3> load_at_end{};  // load averages when the last case finished
  // Wall seconds of each implementation's empty program (startup_floor.hpp); empty when the run
  // did not measure it (a single case x start method, `show`, `record`).
  std::map<Impl, std::vector<double>> startup_floor_s;
  // With --against-build: the other build's results, sorted as `results`; not in success().
  std::vector<CaseResult> against_build_results;
  // The version axis: the python results of the other interpreters (CaseResult::python_version
  // set), sorted as `results`; they count in success() and counts().
  std::vector<CaseResult> version_results;
  // Results the run did not produce because it stopped early (--max-failures); 0 otherwise.
  int not_run = 0;
  bool success() const;              // every result PASS, XFAIL or SKIP
  std::map<std::string, int> counts() const;  // "PASS" -> n, only codes that occur
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void report_context(const RunContext& context) { (void)context; }
  virtual void report_results(const ResultBatch& batch) { (void)batch; }
  virtual void finalize(const RunSummary& summary) { (void)summary; }
};

// Fans every call out to each reporter in order.
class ReporterList : public Reporter {
 public:
  void add(std::unique_ptr<Reporter> reporter) { reporters_.push_back(std::move(reporter)); }
  void report_context(const RunContext& context) override;
  void report_results(const ResultBatch& batch) override;
  void finalize(const RunSummary& summary) override;

 private:
  std::vector<std::unique_ptr<Reporter>> reporters_;
};

// How much the console prints while a run goes on: -q, default, -v.
enum class Verbosity { quiet, normal, verbose };

struct ConsoleOptions {
  bool progress_line = true;  // on a TTY: one updating line; otherwise compact progress lines
  bool color = false;         // ANSI colours (the command line decides: --color, NO_COLOR, TTY)
  Verbosity verbosity = Verbosity::normal;
  int width = 120;            // columns the summary table fits in
  bool full_stacks = false;   // failure blocks show stacks unfolded (--full-stacks)
  // The clock progress and estimates are measured with (tests replace it).
  std::function<std::chrono::steady_clock::time_point()> clock = std::chrono::steady_clock::now;
};

// Human output. While running: on a TTY one updating progress line (done/total, elapsed, an
// estimate of what remains), failures kept above it; otherwise (CI logs) a line per failure at
// once and a progress line at each tenth of the run or every 30 s; -v prints every result with its
// time, -q nothing until the end. At the end: the summary table (not with -q), each failure in
// full (reasons, diff, both sides' stderr tails, stacks of a hang one line per process, rerun
// commands; start methods that failed alike folded into one block), the outcome/metric
// distributions of cases with more than one run and the performance table (not with -q), totals.
class ConsoleReporter : public Reporter {
 public:
  ConsoleReporter(std::ostream& out, bool is_tty, ConsoleOptions options = {});
  void report_context(const RunContext& context) override;
  void report_results(const ResultBatch& batch) override;
  void finalize(const RunSummary& summary) override;

 private:
  std::string progress_text(int done, int total) const;

  std::ostream& out_;
  bool tty_;
  ConsoleOptions options_;
  RunContext context_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
  int last_tenth_ = 0;              // the tenth of the run the last progress line was printed at
  int failures_ = 0;                // failing results so far
  std::size_t progress_width_ = 0;  // length of the progress line on screen, to erase it
};

// Base of the reporters that write files (JSON, JUnit, the reference writer; the HTML report to
// come): it owns where they go and writes each file atomically; a subclass only renders content
// into a stream (as lit's reports.Report and google/benchmark's SetOutputStream), so renderers are
// tested without a disk.
class FileReporter : public Reporter {
 public:
  // path: the report file, or the directory a reporter writing one file per result writes under.
  explicit FileReporter(std::filesystem::path path) : path_(std::move(path)) {}
  void report_context(const RunContext& context) override { context_ = context; }
  const std::filesystem::path& path() const noexcept { return path_; }

 protected:
  const RunContext& context() const noexcept { return context_; }
  // Renders into memory, then writes `file` with write_file_atomically: a reader never sees half a
  // file, and a render that throws leaves the file as it was. Throws what either throws.
  void write(const std::filesystem::path& file,
             const std::function<void(std::ostream&)>& render) const;

 private:
  std::filesystem::path path_;
  RunContext context_;
};

// The machine-readable report (schema: docs/report-schema.md), path() written at finalize.
class JsonReporter : public FileReporter {
 public:
  using FileReporter::FileReporter;
  void finalize(const RunSummary& summary) override;
  // The report's text for this run (report_context first), as finalize writes it.
  void render(std::ostream& out, const RunSummary& summary) const;
};

// JUnit XML: a testsuite per area, a testcase per case x start method x implementation; each
// result code's JUnit element comes from its table (result_code.hpp): FAIL, XPASS, TIMEOUT, CRASH,
// REFERENCE-CHANGED are <failure>, UNRESOLVED is <error>, SKIP <skipped>. path() written at
// finalize.
class JunitReporter : public FileReporter {
 public:
  using FileReporter::FileReporter;
  void finalize(const RunSummary& summary) override;
  // The XML for this run, as finalize writes it.
  void render(std::ostream& out, const RunSummary& summary) const;
};

struct ShowOptions {
  int width = 120;           // terminal columns for the side-by-side view
  bool wrap = false;         // wrap long lines onto continuation rows instead of cutting them
  bool color = false;        // colour the differing rows and the result codes
  bool full_stacks = false;  // stacks with every frame (default: plumbing folded, stack_folding.hpp)
};

// `parity show`: for each case x start method, both outputs side by side, stderr, the unified
// diff, the exact command lines (cwd and environment included) to rerun each side by hand, and the
// stacks of every process in the tree if a side hung. With several runs a side (show --repeat):
// first each side's outcome distribution, then the first run in which a side did not exit 0 or
// the normalized outputs differ, in full.
class ShowReporter : public Reporter {
 public:
  ShowReporter(std::ostream& out, ShowOptions options) : out_(out), options_(options) {}
  void report_context(const RunContext& context) override;
  void report_results(const ResultBatch& batch) override;

 private:
  std::ostream& out_;
  ShowOptions options_;
};

// Writes text to file through a temporary file in the same directory and a rename, so a reader
// never sees a half-written report. Creates missing parent directories. Throws std::system_error.
void write_file_atomically(const std::filesystem::path& file, const std::string& text);

// "cd DIR && env K=V PROGRAM ARGS...": the shell command that reruns one program by hand.
std::string rerun_command(const RunRecord& record);

// "1.23 s", "45.6 ms", "789 us": a duration for humans.
std::string format_seconds(double seconds);

// The console's Performance table: one row per benchmark operation (an @sample name without the
// "floor." prefix) and case x start method: CPython's, mp's and the floor's medians, mp/CPython and
// mp/floor with their 95% CIs; then the start-up floors when the run measured them. Empty when
// there is neither.
std::string performance_table(const RunSummary& summary);

// A sample value with 4 significant digits in the unit it reads best in: a time unit (ns, us, ms,
// s) is rescaled ("11380 us" -> "11.38 ms"), a rate gets k, M or G ("1.436 GB/s", "9.138 M
// items/s"), anything else is kept ("1.2 x floor"; "1.234" for an empty unit).
std::string format_measure(double value, const std::string& unit);
// The same for a value and its interval, all three in the value's unit: "11.38 [10.9, 12.1] ms".
std::string format_measure_interval(double value, double low, double high, const std::string& unit);

}  // namespace parity
