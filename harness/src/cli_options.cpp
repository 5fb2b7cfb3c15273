// The options of list, run and show, and their checks (cli_options.hpp).

#include "cli_options.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>

#include "launcher.hpp"
#include "python_probe.hpp"

namespace parity {

GateOptions CommandLine::gate_options() const {
  if (!(gate.max_p > 0 && gate.max_p <= 1)) throw UsageError("--max-p: expected 0 < P <= 1");
  if (!(gate.min_effect >= 0)) throw UsageError("--min-effect: expected a fraction >= 0, e.g. 0.1");
  return gate;
}

RunOptions CommandLine::run_options() const {
  RunOptions options;
  auto& selection = options.selection;
  for (const auto& root : case_roots) selection.case_roots.push_back(std::filesystem::absolute(root));
  selection.filters = filters;
  selection.exact = exact;
  selection.excludes = excludes;
  selection.tags = tags;
  std::vector<std::string> patterns = filters;
  patterns.insert(patterns.end(), excludes.begin(), excludes.end());
  for (const auto& pattern : patterns)
    if (pattern.rfind("re:", 0) == 0) {
      try {
        (void)matches_filters("", {pattern}, false);
      } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
      }
    }
  if (max_failures < 0) throw UsageError("--max-failures: expected a number of failures >= 1");
  if (!start_method.empty()) {
    selection.start_method = parse_start_method(start_method);
    if (!selection.start_method)
      throw UsageError("--start-method: expected fork, spawn or forkserver, got " + start_method);
  }
  if (!impl.empty()) {
    selection.impl = parse_impl(impl);
    if (!selection.impl) throw UsageError("--impl: expected cpp or python, got " + impl);
  }
  if (!shard.empty()) {
    std::smatch match;
    static const std::regex shape(R"((\d+)/(\d+))");
    if (!std::regex_match(shard, match, shape))
      throw UsageError("--shard: expected I/N, e.g. 1/4, got " + shard);
    selection.shard_index = std::stoi(match[1]);
    selection.shard_count = std::stoi(match[2]);
    if (selection.shard_count < 1 || selection.shard_index < 1 ||
        selection.shard_index > selection.shard_count)
      throw UsageError("--shard: I must be between 1 and N, got " + shard);
  }
  if (jobs < 0) throw UsageError("-j: expected a positive number of jobs");
  if (repeat < 1) throw UsageError("--repeat: expected at least 1");
  if (!(timeout_multiplier > 0) || !std::isfinite(timeout_multiplier))
    throw UsageError("--timeout-multiplier: expected a positive finite factor");
  for (const auto& param : params) {
    std::size_t equals = param.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError("--param: expected KEY=VALUE, got " + param);
    options.params[param.substr(0, equals)] = param.substr(equals + 1);
  }
  options.jobs = jobs;
  options.repeat = repeat;
  options.timeout_multiplier = timeout_multiplier;
  options.python = python;
  if (!reference_dir.empty()) options.reference_dir = std::filesystem::absolute(reference_dir);
  options.check_reference = !no_reference;
  if (!against_build.empty()) {
    std::filesystem::path other = std::filesystem::absolute(against_build);
    if (!std::filesystem::exists(other / "parity_build_config.json"))
      throw UsageError("--against-build: " + against_build +
                       " is not a configured parity build (no parity_build_config.json)");
    if (!baseline.empty()) throw UsageError("--against-build and --baseline: choose one baseline");
    if (selection.impl == Impl::python)
      throw UsageError("--against-build runs the cpp side only; --impl python contradicts it");
    selection.impl = Impl::cpp;
    options.against_build = other;
  }
  if (!python_versions.empty()) {
    if (selection.impl == Impl::cpp)
      throw UsageError("--python-versions runs the python side under each version; --impl cpp "
                       "(or --against-build) contradicts it");
    Launcher launcher;
    VersionAxisOptions axis;
    axis.reference_version = identify_python(launcher, python).version;
    try {
      options.python_versions = resolve_python_versions(python_versions, launcher, axis);
    } catch (const InterpreterError& error) {
      throw UsageError(error.what());
    }
  }
  options.collect_stacks = !no_stacks;
  options.stacks_of_expected_hangs = all_stacks;
  options.max_failures = exit_first && max_failures == 0 ? 1 : max_failures;
  options.cancel = cancel;
  if (last_failed) {
    std::filesystem::path previous = last_failed_file();
    try {
      selection.units = failed_units(previous);
    } catch (const std::exception& error) {
      throw UsageError(std::string("--last-failed: ") + error.what());
    }
  }
  return options;
}

std::filesystem::path CommandLine::last_failed_file() const {
  if (!json_file.empty() && std::filesystem::exists(json_file)) return json_file;
  std::filesystem::path previous = previous_results(std::filesystem::path(PARITY_SOURCE_DIR) / "reports");
  if (previous.empty())
    throw UsageError("--last-failed: no previous results.json (give --json FILE, or run scripts/run)");
  return previous;
}

bool CommandLine::color_enabled(bool is_tty) const {
  if (color == "always") return true;
  if (color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return is_tty && !(no_color && *no_color) && !(term && std::string(term) == "dumb");
}

ConsoleOptions CommandLine::console_options(bool is_tty, int width) const {
  ConsoleOptions console;
  console.progress_line = is_tty;
  console.color = color_enabled(is_tty);
  console.verbosity = quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal;
  console.width = width;
  console.full_stacks = full_stacks;
  return console;
}

std::filesystem::path previous_results(const std::filesystem::path& reports_dir) {
  std::filesystem::path newest;
  std::filesystem::file_time_type newest_time{};
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(reports_dir, error)) {
    std::filesystem::path candidate = entry.path() / "results.json";
    auto written = std::filesystem::last_write_time(candidate, error);
    if (error) continue;
    if (newest.empty() || written > newest_time) {
      newest = candidate;
      newest_time = written;
    }
  }
  return newest;
}

void add_selection(CLI::App* command, CommandLine& line, bool with_filters) {
  if (with_filters)
    command->add_option("filter", line.filters,
                        "case ids to select: a substring, a glob when it holds * ? [, or a regular "
                        "expression after re:");
  command->add_option("--cases", line.case_roots,
                      "a root of cases (repeatable); default: the project's cases/")
      ->check(CLI::ExistingDirectory)
      ->allow_extra_args(false);  // `--cases DIR queues/`: queues/ is a filter, not a second root
  command->add_flag("--exact", line.exact, "filters match whole case ids only");
  command->add_option("--start-method", line.start_method, "fork, spawn or forkserver");
  if (!with_filters) return;
  command->add_option("--exclude", line.excludes,
                      "leave out the cases this filter selects (same syntax; repeatable)")
      ->allow_extra_args(false);
  command->add_option("--tag", line.tags, "only cases with this tag (repeatable: any of them)")
      ->allow_extra_args(false);
}

void add_python_versions(CLI::App* command, CommandLine& line) {
  command->add_option("--python-versions", line.python_versions,
                      "also run the python side under these CPythons: versions found under pyenv's "
                      "root (3.8,3.12), interpreter paths, or all (every 3.8+ there); compared with "
                      "the reference interpreter (--python)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->envname("PARITY_PYTHON_VERSIONS");
}

void add_color(CLI::App* command, CommandLine& line) {
  command->add_option("--color", line.color, "colour the output: auto (a TTY without NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

void add_gate(CLI::App* command, CommandLine& line) {
  command->add_option("--max-p", line.gate.max_p, "a change needs a one-sided U-test p below this")
      ->capture_default_str();
  command->add_option("--min-effect", line.gate.min_effect,
                      "and a median change beyond this fraction (0.1: 10%)")
      ->capture_default_str();
}

void add_execution(CLI::App* command, CommandLine& line) {
  command->add_option("--python", line.python, "the CPython interpreter")->capture_default_str();
  command->add_option("--timeout-multiplier", line.timeout_multiplier,
                      "scales each case's timeout_s");
  command->add_flag("--no-stacks", line.no_stacks, "do not collect stacks of hung programs");
}

void define_list_options(CLI::App* list, CommandLine& line) {
  add_selection(list, line);
  list->add_flag("--json", line.list_json, "print the cases as a JSON array");
}

void define_run_options(CLI::App* run, CommandLine& line) {
  add_selection(run, line);
  add_execution(run, line);
  run->add_option("-j,--jobs", line.jobs, "programs run at once; default: the number of cores");
  run->add_option("--impl", line.impl, "run one implementation only: cpp or python");
  run->add_option("--repeat", line.repeat, "multiply each case's runs");
  run->add_option("--shard", line.shard, "run shard I of N (1-based), e.g. 2/4");
  run->add_option("--param", line.params,
                  "KEY=VALUE given to every selected case as --param (repeatable; replaces the "
                  "case's own value)")
      ->allow_extra_args(false);
  add_python_versions(run, line);
  run->add_option("--json", line.json_file, "write the JSON report here (docs/report-schema.md)");
  run->add_option("--junit", line.junit_file, "write a JUnit XML report here");
  run->add_option("--reference", line.reference_dir, "recorded CPython results; default: reference/");
  run->add_flag("--no-reference", line.no_reference, "do not compare with recorded CPython results");
  run->add_option("--baseline", line.baseline,
                  "compare the results with this earlier results.json (as `parity compare`)");
  run->add_option("--against-build", line.against_build,
                  "run the cpp side from this build and from OTHER_BUILD_DIR alternately, and "
                  "compare them (the other build is the base)");
  run->add_option("--markdown", line.markdown_file,
                  "write the --baseline or --against-build comparison here as Markdown");
  add_gate(run, line);
  run->add_flag("-x", line.exit_first, "stop after the first failing result (as --max-failures 1)");
  run->add_option("--max-failures", line.max_failures,
                  "stop starting programs after N failing results; what runs finishes");
  run->add_flag("--last-failed", line.last_failed,
                "run only the case x start methods that failed in the previous results.json "
                "(--json FILE when it exists, else the newest reports/*/results.json)");
  auto* quiet = run->add_flag("-q,--quiet", line.quiet, "print failures and totals only");
  run->add_flag("-v,--verbose", line.verbose, "print every result with its time")->excludes(quiet);
  run->add_flag("--all-stacks", line.all_stacks,
                "also collect stacks of runs that hang as expected (by default only an unexpected "
                "hang gets them; `show` always does)");
  run->add_flag("--full-stacks", line.full_stacks,
                "failure blocks show hung trees' stacks (libc and standard library frames folded) "
                "instead of one line per process");
  add_color(run, line);
}

void define_show_options(CLI::App* show, CommandLine& line, std::string& case_name) {
  show->add_option("case", case_name, "the case id (or a part that names one case)")->required();
  add_selection(show, line, false);
  add_execution(show, line);
  show->add_option("--impl", line.impl, "run one implementation only: cpp or python");
  show->add_option("--repeat", line.repeat,
                   "run each side N times: the outcome distributions, then the first run that "
                   "failed (or differed) in full");
  show->add_flag("--until-fail", line.until_fail,
                 "run both sides again and again (at most --repeat times, default 100) until a "
                 "result fails, and show that run");
  show->add_flag("--wrap", line.wrap, "wrap long stdout lines in the side-by-side view instead of cutting them");
  show->add_flag("--full-stacks", line.full_stacks,
                 "stacks with every frame (default: libc and standard library frames folded)");
  add_color(show, line);
}

}  // namespace parity
