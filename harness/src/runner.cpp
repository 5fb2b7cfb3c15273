// The runner: each Runner::run is one Execution of a RunPlan. Worker threads run programs in the
// plan's order; the thread that finishes the last run of a unit evaluates and publishes it.

#include "runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "case_builder.hpp"
#include "case_evaluator.hpp"
#include "launcher.hpp"
#include "python_probe.hpp"
#include "reference_store.hpp"
#include "run_metadata.hpp"
#include "run_plan.hpp"
#include "scheduler.hpp"
#include "startup_floor.hpp"

namespace parity {
namespace fs = std::filesystem;
namespace {

// What the runs of one planned unit have produced so far.
struct UnitState {
  UnitRuns data;
  std::atomic<int> remaining{0};  // program runs not finished yet
  std::atomic<bool> not_run{false};  // a run of it never started: the run stopped early
};

// The C++ executable of one case, built at most once per run; the error if it cannot be built.
struct BuildSlot {
  std::once_flag once;
  fs::path executable;
  std::string error;
};

bool result_order(const CaseResult& a, const CaseResult& b) {
  if (a.case_id != b.case_id) return a.case_id < b.case_id;
  if (a.start_method != b.start_method) return a.start_method < b.start_method;
  if (a.impl != b.impl) return a.impl < b.impl;
  return a.python_version < b.python_version;
}

double process_cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    ::getrusage(who, &usage);
    total += usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
             usage.ru_stime.tv_usec / 1e6;
  }
  return total;
}

// Everything one invocation of Runner::run shares between its worker threads.
class Execution {
 public:
  Execution(const RunOptions& options, Reporter& reporter)
      : options_(options), reporter_(reporter), builder_(options.build_dir) {
    if (options.against_build) other_builder_.emplace(*options.against_build);
  }

  RunSummary run(const std::string& command) {
    auto started = std::chrono::steady_clock::now();
    double cpu_before = process_cpu_seconds();
    RunMetadata metadata = collect_run_metadata(PARITY_SOURCE_DIR);
    PythonIdentity python = identify_python(launcher_, options_.python);
    // Cases run the real interpreter: a shim (pyenv's is a shell script) would add its own start-up
    // time to every CPython timing.
    python_executable_ = python.executable.empty() ? options_.python : python.executable;
    cases_ = select_cases(options_.selection);
    for (auto& loaded : cases_)
      if (loaded.spec) {
        for (const auto& [key, value] : options_.params) loaded.spec->params[key] = value;
        if (options_.runs > 0) loaded.spec->runs = options_.runs;
      }
    plan_ = plan_run(cases_, options_.selection, options_.repeat, options_.python_versions.size());
    if (options_.against_build) interleave_other_build(plan_);
    for (const PlannedUnit& unit : plan_.units) units_.push_back(start_unit(unit, python.version));
    total_ = plan_.total_results();
    reporter_.report_context(context_of(command, python, std::move(metadata)));

    std::map<Impl, std::vector<double>> startup_floor;
    if (options_.measure_startup_floor && !options_.against_build && plan_.units.size() > 1 &&
        !cancelled())
      startup_floor = measure_startup_floor(
          launcher_, {python_executable_, mp_startup_program(options_.build_dir), 5});

    for (auto& batch : plan_.decided) publish(std::move(batch.results), batch.spec);
    auto run_from = [this](const std::vector<PlannedRun>& order) {
      return [this, &order](std::size_t index) { run_program(order[index]); };
    };
    double worker_busy_s = run_in_order(plan_.shared.size(), jobs(), run_from(plan_.shared));
    worker_busy_s += run_in_order(plan_.exclusive.size(), 1, run_from(plan_.exclusive));
    if (cancelled()) return {};

    RunSummary summary;
    for (CaseResult& result : results_)
      (result.python_version.empty() ? summary.results : summary.version_results)
          .push_back(std::move(result));
    std::sort(summary.results.begin(), summary.results.end(), result_order);
    std::sort(summary.version_results.begin(), summary.version_results.end(), result_order);
    summary.against_build_results = std::move(other_results_);
    std::sort(summary.against_build_results.begin(), summary.against_build_results.end(), result_order);
    summary.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (last_catalog_result_)
      summary.catalog_elapsed_s = std::chrono::duration<double>(*last_catalog_result_ - started).count();
    summary.busy_s = process_cpu_seconds() - cpu_before;
    summary.jobs = jobs();
    summary.worker_busy_s = worker_busy_s;
    summary.load_at_end = load_average();
    summary.startup_floor_s = std::move(startup_floor);
    summary.not_run = total_ - done_;
    reporter_.finalize(summary);
    return summary;
  }

 private:
  bool cancelled() const { return options_.cancel && options_.cancel->load(); }

  int jobs() const {
    if (options_.jobs > 0) return options_.jobs;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  RunContext context_of(const std::string& command, const PythonIdentity& python,
                        RunMetadata metadata) const {
    RunContext context;
    context.metadata = std::move(metadata);
    context.started_at = context.metadata.started_at;
    context.command = command;
    context.python = options_.python;
    context.python_version = python.version;
    context.python_executable = python.executable;
    for (const Interpreter& version : options_.python_versions)
      context.python_versions.push_back(version.version);
    context.case_roots = options_.selection.roots();
    context.jobs = jobs();
    context.repeat = options_.repeat;
    context.shard_index = options_.selection.shard_index;
    context.shard_count = options_.selection.shard_count;
    context.timeout_multiplier = options_.timeout_multiplier;
    context.total_results = total_;
    return context;
  }

  // The state a planned unit collects its runs in, with the recorded CPython reference it is
  // compared with (a malformed one makes the python side UNRESOLVED).
  std::unique_ptr<UnitState> start_unit(const PlannedUnit& unit, const std::string& python_version) {
    auto state = std::make_unique<UnitState>();
    state->data.spec = unit.spec;
    state->data.method = unit.method;
    state->data.python_version = python_version;
    for (Impl impl : unit.impls) state->data.records[impl].resize(unit.runs);
    state->remaining = static_cast<int>(unit.impls.size() + unit.versions) * unit.runs;
    for (std::size_t index = 0; index < unit.versions; ++index) {
      VersionRuns& version = state->data.versions.emplace_back();
      version.version = options_.python_versions[index].version;
      version.records.resize(unit.runs);
    }
    if (options_.check_reference && !python_version.empty()) {
      // Each interpreter's python side against the recording of its own version.
      auto load = [&](const std::string& version, std::optional<ReferenceRecord>& into,
                      std::string& unresolved) {
        try {
          into = load_reference(reference_path(options_.reference_dir, version, unit.spec->id, unit.method));
        } catch (const std::exception& error) {
          unresolved = error.what();
        }
      };
      std::string unresolved;
      load(python_version, state->data.reference, unresolved);
      if (!unresolved.empty()) state->data.unresolved[Impl::python] = unresolved;
      for (VersionRuns& version : state->data.versions)
        load(version.version, version.reference, version.unresolved);
    }
    return state;
  }

  BuildSlot& build_slot(const std::string& case_id, bool other_build) {
    std::lock_guard lock(mutex_);
    auto& slot = builds_[{case_id, other_build}];
    if (!slot) slot = std::make_unique<BuildSlot>();
    return *slot;
  }

  // The launch of one program run, or the reason it cannot run (empty argv).
  LaunchOptions launch_options(const PlannedUnit& unit, const PlannedRun& run, std::string& error) {
    const CaseSpec& spec = *unit.spec;
    const Impl impl = run.impl;
    LaunchOptions launch;
    if (impl == Impl::python) {
      const std::string& python = run.version == 0
                                      ? python_executable_
                                      : options_.python_versions[run.version - 1].executable;
      launch.argv = {python, spec.python_program.string()};
      launch.python = true;
      // Lines printed before a hang or a crash must survive the kill, as they do in C++ cases
      // that flush; case programs print little, so the cost does not show in timings.
      launch.env_overrides["PYTHONUNBUFFERED"] = "1";
    } else {
      BuildSlot& slot = build_slot(spec.id, unit.other_build);
      std::call_once(slot.once, [&] {
        try {
          CaseBuilder& builder = unit.other_build ? *other_builder_ : builder_;
          slot.executable = builder.executable_for(spec.dir, spec.id);
        } catch (const std::exception& build_error) {
          slot.error = std::string("cannot build ") + spec.cpp_source.string() + ":\n" +
                       build_error.what();
        }
      });
      if (!slot.error.empty()) {
        error = slot.error;
        return launch;
      }
      launch.argv = {slot.executable.string()};
    }
    for (auto& argument : spec.program_arguments(unit.method)) launch.argv.push_back(argument);
    launch.cwd = spec.dir;
    launch.timeout = scaled_timeout(spec.timeout_s, options_.timeout_multiplier);
    // Stacks cost a hang ~0.5 s of wall and ~1 s of CPU (gdb): taken where a person reads them, an
    // unexpected hang (TIMEOUT) or when asked. An expected one may end once quiet (case_spec.hpp).
    // Judged with this interpreter's version (a cpp run with the reference's), so [[expect.override]]
    // python ranges count here as in the verdict.
    const std::string& judged_with = run.version == 0 ? units_[run.unit]->data.python_version
                                                      : options_.python_versions[run.version - 1].version;
    const bool may_hang = spec.may_hang(unit.method, impl, judged_with);
    launch.collect_stacks = options_.collect_stacks && (!may_hang || options_.stacks_of_expected_hangs);
    if (may_hang && spec.hang_after_quiet_s)
      launch.hang_when_quiet = std::chrono::milliseconds(std::llround(*spec.hang_after_quiet_s * 1000));
    return launch;
  }

  void run_program(const PlannedRun& run) {
    UnitState& unit = *units_[run.unit];
    bool skip = cancelled() || stopped_;
    if (stopped_) unit.not_run = true;
    VersionRuns* version = run.version > 0 ? &unit.data.versions[run.version - 1] : nullptr;
    {
      std::lock_guard lock(mutex_);
      skip = skip || (version ? !version->unresolved.empty() : unit.data.unresolved.count(run.impl) > 0);
    }
    if (!skip) {
      std::string error;
      LaunchOptions launch = launch_options(plan_.units[run.unit], run, error);
      if (error.empty()) {
        RunRecord record = launcher_.run(launch);
        std::lock_guard lock(mutex_);
        (version ? version->records : unit.data.records[run.impl])[run.run_index] = std::move(record);
      } else {
        std::lock_guard lock(mutex_);
        unit.data.unresolved[run.impl] = error;
      }
    }
    if (--unit.remaining == 0) finish(run.unit);
  }

  // The last run of a unit ended: judge it and hand it to the reporter.
  void finish(std::size_t index) {
    UnitState& unit = *units_[index];
    const PlannedUnit& planned = plan_.units[index];
    if (unit.not_run) return;  // stopped early (--max-failures): counted in RunSummary::not_run
    for (const auto& [impl, message] : unit.data.unresolved) {
      (void)message;
      unit.data.records.erase(impl);
    }
    std::vector<CaseResult> results;
    try {
      results = evaluate_unit(unit.data);
    } catch (const std::exception& error) {
      results = unresolved_results(planned.spec->id, {planned.method}, planned.impls,
                                   std::string("harness error: ") + error.what());
    }
    if (planned.other_build) {
      std::lock_guard lock(report_mutex_);
      for (auto& result : results) other_results_.push_back(std::move(result));
      return;
    }
    publish(std::move(results), planned.spec);
  }

  void publish(std::vector<CaseResult> results, const CaseSpec* spec) {
    std::lock_guard lock(report_mutex_);
    if (cancelled()) return;
    done_ += static_cast<int>(results.size());
    reporter_.report_results(ResultBatch{results, done_, total_, spec});
    failures_ += static_cast<int>(std::count_if(results.begin(), results.end(),
                                                [](const CaseResult& result) { return is_failure(result.code); }));
    if (options_.max_failures > 0 && failures_ >= options_.max_failures) stopped_ = true;
    for (auto& result : results) {
      if (is_catalog_case(result.case_id)) last_catalog_result_ = std::chrono::steady_clock::now();
      results_.push_back(std::move(result));
    }
  }

  const RunOptions& options_;
  Reporter& reporter_;
  std::optional<std::chrono::steady_clock::time_point> last_catalog_result_;  // under report_mutex_
  Launcher launcher_;
  CaseBuilder builder_;
  std::optional<CaseBuilder> other_builder_;  // --against-build
  std::string python_executable_;
  std::vector<LoadedCase> cases_;
  RunPlan plan_;
  std::vector<std::unique_ptr<UnitState>> units_;  // parallel to plan_.units
  std::map<std::pair<std::string, bool>, std::unique_ptr<BuildSlot>> builds_;  // (case, other build)
  std::mutex mutex_;         // unit data and build slots
  std::mutex report_mutex_;  // reporter calls and results_
  std::vector<CaseResult> results_;
  std::vector<CaseResult> other_results_;  // --against-build: the other build's, unreported
  int done_ = 0;
  int total_ = 0;
  int failures_ = 0;                   // failing results reported so far
  std::atomic<bool> stopped_{false};  // --max-failures reached: start nothing new
};

}  // namespace

Runner::Runner(RunOptions options) : options_(std::move(options)) {}

RunSummary Runner::run(Reporter& reporter, const std::string& command) {
  Execution execution(options_, reporter);
  return execution.run(command);
}

}  // namespace parity
