#include "runner.hpp"

#include <fnmatch.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "case_builder.hpp"
#include "case_evaluator.hpp"
#include "launcher.hpp"
#include "reference_store.hpp"
#include "run_metadata.hpp"
#include "startup_floor.hpp"
#include "verdict.hpp"

namespace parity {
namespace fs = std::filesystem;

fs::path default_case_root() { return fs::path(PARITY_SOURCE_DIR) / "cases"; }

bool matches_filters(const std::string& case_id, const std::vector<std::string>& filters,
                     bool exact) {
  if (filters.empty()) return true;
  for (const auto& filter : filters) {
    if (exact) {
      if (case_id == filter) return true;
    } else if (filter.find_first_of("*?[") != std::string::npos) {
      if (::fnmatch(filter.c_str(), case_id.c_str(), 0) == 0) return true;
    } else if (case_id.find(filter) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<LoadedCase> select_cases(const CaseSelection& selection) {
  auto roots = selection.case_roots;
  if (roots.empty()) roots.push_back(default_case_root());
  std::vector<LoadedCase> selected;
  for (auto& loaded : discover_cases(roots)) {
    if (matches_filters(loaded.id, selection.filters, selection.exact))
      selected.push_back(std::move(loaded));
  }
  std::sort(selected.begin(), selected.end(),
            [](const LoadedCase& a, const LoadedCase& b) { return a.id < b.id; });
  if (selection.shard_count > 1) {
    std::vector<LoadedCase> shard;
    for (std::size_t i = 0; i < selected.size(); ++i) {
      if (static_cast<int>(i % selection.shard_count) == selection.shard_index - 1)
        shard.push_back(std::move(selected[i]));
    }
    selected = std::move(shard);
  }
  return selected;
}

PythonIdentity identify_python(Launcher& launcher, const std::string& python) {
  LaunchOptions options;
  options.argv = {python, "-c",
                  "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"};
  options.timeout = std::chrono::seconds(30);
  options.collect_stacks = false;
  RunRecord record = launcher.run(options);
  if (!record.status || *record.status != ExitStatus::exited(0)) return {};
  PythonIdentity identity;
  std::size_t newline = record.stdout_text.find('\n');
  identity.version = record.stdout_text.substr(0, newline);
  if (newline != std::string::npos) {
    identity.executable = record.stdout_text.substr(newline + 1);
    while (!identity.executable.empty() &&
           (identity.executable.back() == '\n' || identity.executable.back() == '\r'))
      identity.executable.pop_back();
  }
  return identity;
}

namespace {

// One case x start method: the unit that is compared, judged and reported together.
struct Unit {
  const LoadedCase* loaded = nullptr;
  StartMethod method = StartMethod::fork;
  std::vector<Impl> impls;
  int runs = 1;
  UnitRuns data;
  std::atomic<int> remaining{0};  // program runs not finished yet
};

// The C++ executable of one case, built at most once per run; the error if it cannot be built.
struct BuildSlot {
  std::once_flag once;
  fs::path executable;
  std::string error;
};

// Results decided without running anything, with their case (null when it could not be loaded).
struct Batch {
  std::vector<CaseResult> results;
  const CaseSpec* spec = nullptr;
};

struct Task {
  Unit* unit;
  Impl impl;
  int run_index;
};

std::vector<StartMethod> methods_of(const LoadedCase& loaded, const CaseSelection& selection) {
  std::vector<StartMethod> methods;
  if (loaded.spec) {
    methods = loaded.spec->start_methods;
  } else {
    methods.assign(std::begin(all_start_methods), std::end(all_start_methods));
  }
  if (selection.start_method) {
    bool supported = std::find(methods.begin(), methods.end(), *selection.start_method) !=
                     methods.end();
    methods.clear();
    if (supported || !loaded.spec) methods.push_back(*selection.start_method);
  }
  return methods;
}

std::vector<Impl> impls_of(const CaseSelection& selection) {
  if (selection.impl) return {*selection.impl};
  return {Impl::python, Impl::cpp};
}

// SKIP results for a start method the case does not declare, when --start-method asked for it.
std::vector<CaseResult> skipped_results(const CaseSpec& spec, StartMethod method,
                                        const std::vector<Impl>& impls) {
  std::vector<CaseResult> results;
  for (Impl impl : impls)
    results.push_back(skipped_result(spec.id, method, impl,
                                     "the case does not run under " + to_string(method)));
  return results;
}

bool result_order(const CaseResult& a, const CaseResult& b) {
  if (a.case_id != b.case_id) return a.case_id < b.case_id;
  if (a.start_method != b.start_method) return a.start_method < b.start_method;
  return a.impl < b.impl;
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
      : options_(options), reporter_(reporter), builder_(options.build_dir) {}

  RunSummary run(const std::string& command) {
    auto started = std::chrono::steady_clock::now();
    double cpu_before = process_cpu_seconds();
    RunContext context;
    context.metadata = collect_run_metadata(PARITY_SOURCE_DIR);
    context.started_at = context.metadata.started_at;
    context.command = command;
    context.python = options_.python;
    PythonIdentity python = identify_python(launcher_, options_.python);
    context.python_version = python.version;
    context.python_executable = python.executable;
    // Cases run the real interpreter: a shim (pyenv's is a shell script) would add its own start-up
    // time to every CPython timing.
    python_executable_ = python.executable.empty() ? options_.python : python.executable;
    context.case_roots = options_.selection.case_roots.empty()
                             ? std::vector<fs::path>{default_case_root()}
                             : options_.selection.case_roots;
    context.jobs = jobs();
    context.repeat = options_.repeat;
    context.shard_index = options_.selection.shard_index;
    context.shard_count = options_.selection.shard_count;
    context.timeout_multiplier = options_.timeout_multiplier;
    python_version_ = context.python_version;

    cases_ = select_cases(options_.selection);
    for (auto& loaded : cases_)
      if (loaded.spec)
        for (const auto& [key, value] : options_.params) loaded.spec->params[key] = value;
    std::vector<Batch> immediate;  // unresolved and skipped, reported first
    for (const auto& loaded : cases_) plan(loaded, immediate);
    context.total_results = 0;
    for (const auto& unit : units_) context.total_results += static_cast<int>(unit->impls.size());
    for (const auto& batch : immediate) context.total_results += static_cast<int>(batch.results.size());
    total_ = context.total_results;
    reporter_.report_context(context);

    std::map<Impl, std::vector<double>> startup_floor;
    if (options_.measure_startup_floor && units_.size() > 1 && !cancelled())
      startup_floor = measure_startup_floor(
          launcher_, {python_executable_, mp_startup_program(options_.build_dir), 5});
    for (auto& batch : immediate) publish(std::move(batch.results), batch.spec);
    run_tasks(shared_tasks_, jobs());
    run_tasks(exclusive_tasks_, 1);
    if (cancelled()) return {};

    RunSummary summary;
    summary.results = std::move(results_);
    std::sort(summary.results.begin(), summary.results.end(), result_order);
    summary.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary.busy_s = process_cpu_seconds() - cpu_before;
    summary.jobs = jobs();
    summary.worker_busy_s = worker_busy_s_;
    summary.load_at_end = load_average();
    summary.startup_floor_s = std::move(startup_floor);
    reporter_.finalize(summary);
    return summary;
  }

 private:
  bool cancelled() const { return options_.cancel && options_.cancel->load(); }

  int jobs() const {
    if (options_.jobs > 0) return options_.jobs;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  void plan(const LoadedCase& loaded, std::vector<Batch>& immediate) {
    const auto& selection = options_.selection;
    std::vector<Impl> impls = impls_of(selection);
    if (!loaded.spec) {
      immediate.push_back(
          {unresolved_results(loaded.id, methods_of(loaded, selection), impls, loaded.error), nullptr});
      return;
    }
    const CaseSpec& spec = *loaded.spec;
    auto methods = methods_of(loaded, selection);
    if (methods.empty() && selection.start_method) {
      immediate.push_back({skipped_results(spec, *selection.start_method, impls), &spec});
      return;
    }
    for (StartMethod method : methods) {
      auto unit = std::make_unique<Unit>();
      unit->loaded = &loaded;
      unit->method = method;
      unit->impls = impls;
      unit->runs = std::max(1, spec.runs) * std::max(1, options_.repeat);
      unit->data.spec = &spec;
      unit->data.method = method;
      unit->data.python_version = python_version_;
      for (Impl impl : impls) unit->data.records[impl].resize(unit->runs);
      unit->remaining = static_cast<int>(impls.size()) * unit->runs;
      if (options_.check_reference && !python_version_.empty()) {
        try {
          unit->data.reference = load_reference(
              reference_path(options_.reference_dir, python_version_, spec.id, method));
        } catch (const std::exception& error) {
          unit->data.unresolved[Impl::python] = error.what();
        }
      }
      auto& tasks = spec.exclusive ? exclusive_tasks_ : shared_tasks_;
      // Runs of one unit interleave python and cpp so a unit finishes early and each pair of
      // runs sees the same machine load.
      for (int run = 0; run < unit->runs; ++run) {
        for (Impl impl : impls) tasks.push_back(Task{unit.get(), impl, run});
      }
      units_.push_back(std::move(unit));
    }
  }

  void run_tasks(const std::vector<Task>& tasks, int workers) {
    if (tasks.empty()) return;
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < tasks.size(); i = next++) execute(tasks[i]);
    };
    workers = std::min<int>(workers, static_cast<int>(tasks.size()));
    std::vector<std::thread> threads;
    for (int i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
    for (auto& thread : threads) thread.join();
  }

  BuildSlot& build_slot(const std::string& case_id) {
    std::lock_guard lock(mutex_);
    auto& slot = builds_[case_id];
    if (!slot) slot = std::make_unique<BuildSlot>();
    return *slot;
  }

  // The launch of one program run, or the reason it cannot run (empty argv).
  LaunchOptions launch_options(const Unit& unit, Impl impl, std::string& error) {
    const CaseSpec& spec = *unit.data.spec;
    LaunchOptions launch;
    if (impl == Impl::python) {
      launch.argv = {python_executable_, spec.python_program.string()};
      launch.python = true;
      // Lines printed before a hang or a crash must survive the kill, as they do in C++ cases
      // that flush; case programs print little, so the cost does not show in timings.
      launch.env_overrides["PYTHONUNBUFFERED"] = "1";
    } else {
      BuildSlot& slot = build_slot(spec.id);
      std::call_once(slot.once, [&] {
        try {
          slot.executable = builder_.executable_for(spec.dir, spec.id);
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
    launch.timeout = std::chrono::milliseconds(
        static_cast<long long>(spec.timeout_s * options_.timeout_multiplier * 1000.0));
    launch.collect_stacks = options_.collect_stacks;
    return launch;
  }

  void execute(const Task& task) {
    auto started = std::chrono::steady_clock::now();
    run_task(task);
    double busy = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::lock_guard lock(mutex_);
    worker_busy_s_ += busy;
  }

  void run_task(const Task& task) {
    Unit& unit = *task.unit;
    std::string error;
    bool skip = cancelled();
    {
      std::lock_guard lock(mutex_);
      skip = skip || unit.data.unresolved.count(task.impl) > 0;
    }
    if (!skip) {
      LaunchOptions launch = launch_options(unit, task.impl, error);
      if (error.empty()) {
        RunRecord record = launcher_.run(launch);
        std::lock_guard lock(mutex_);
        unit.data.records[task.impl][task.run_index] = std::move(record);
      } else {
        std::lock_guard lock(mutex_);
        unit.data.unresolved[task.impl] = error;
      }
    }
    if (--unit.remaining == 0) finish(unit);
  }

  void finish(Unit& unit) {
    for (const auto& [impl, message] : unit.data.unresolved) {
      (void)message;
      unit.data.records.erase(impl);
    }
    std::vector<CaseResult> results;
    try {
      results = evaluate_unit(unit.data);
    } catch (const std::exception& error) {
      results = unresolved_results(unit.loaded->id, {unit.method}, unit.impls,
                                   std::string("harness error: ") + error.what());
    }
    publish(std::move(results), unit.data.spec);
  }

  void publish(std::vector<CaseResult> results, const CaseSpec* spec) {
    std::lock_guard lock(report_mutex_);
    if (cancelled()) return;
    done_ += static_cast<int>(results.size());
    reporter_.report_results(ResultBatch{results, done_, total_, spec});
    for (auto& result : results) results_.push_back(std::move(result));
  }

  const RunOptions& options_;
  Reporter& reporter_;
  Launcher launcher_;
  CaseBuilder builder_;
  std::string python_version_;
  std::string python_executable_;
  std::vector<LoadedCase> cases_;
  std::vector<std::unique_ptr<Unit>> units_;
  std::vector<Task> shared_tasks_;
  std::vector<Task> exclusive_tasks_;
  std::map<std::string, std::unique_ptr<BuildSlot>> builds_;
  std::mutex mutex_;         // unit data and build slots
  std::mutex report_mutex_;  // reporter calls and results_
  std::vector<CaseResult> results_;
  int done_ = 0;
  int total_ = 0;
  double worker_busy_s_ = 0;
};

}  // namespace

Runner::Runner(RunOptions options) : options_(std::move(options)) {}

RunSummary Runner::run(Reporter& reporter, const std::string& command) {
  Execution execution(options_, reporter);
  return execution.run(command);
}

}  // namespace parity
