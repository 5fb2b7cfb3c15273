// show_case: `parity show` (show_command.hpp).

#include "show_command.hpp"

#include <fmt/format.h>

#include <map>

#include "reporter.hpp"
#include "runner.hpp"

namespace parity {
namespace {

// The options of the one case case_name names.
RunOptions options_for(CommandLine line, const std::string& case_name) {
  line.filters = {case_name};
  line.exact = true;
  RunOptions options = line.run_options();
  if (!select_cases(options.selection).empty()) return options;
  options.selection.exact = false;
  auto candidates = select_cases(options.selection);
  if (candidates.size() == 1) {
    options.selection.filters = {candidates.front().id};
    options.selection.exact = true;
    return options;
  }
  if (candidates.empty()) {
    CaseSelection everything = options.selection;
    everything.filters.clear();
    std::vector<std::string> ids;
    for (const auto& loaded : select_cases(everything)) ids.push_back(loaded.id);
    std::string message = "no case matches " + case_name;
    std::vector<std::string> close = closest_ids(case_name, ids, 3);
    if (!close.empty()) {
      message += "; did you mean";
      for (const auto& id : close) message += "\n  " + id;
    }
    throw UsageError(message);
  }
  std::string names;
  for (const auto& candidate : candidates) names += "\n  " + candidate.id;
  throw UsageError("several cases match " + case_name + ":" + names);
}

// Hands each case x start method of summary to the reporter, as the runner would.
void show_summary(ShowReporter& reporter, const RunSummary& summary) {
  std::map<std::pair<std::string, StartMethod>, std::vector<CaseResult>> units;
  for (const auto& result : summary.results) units[{result.case_id, result.start_method}].push_back(result);
  int done = 0;
  for (const auto& [key, results] : units) {
    done += static_cast<int>(results.size());
    reporter.report_results(ResultBatch{results, done, static_cast<int>(summary.results.size())});
  }
}

}  // namespace

int show_case(const CommandLine& line, const std::string& case_name, std::ostream& out, bool is_tty,
              int width) {
  RunOptions options = options_for(line, case_name);
  options.stacks_of_expected_hangs = true;  // stacks are what show is for
  options.repeat = 1;
  options.measure_startup_floor = false;
  ShowOptions show{width, line.wrap, line.color_enabled(is_tty), line.full_stacks};
  ShowReporter reporter(out, show);
  if (!line.until_fail) {
    options.runs = line.repeat;  // --repeat N: N runs a side (default 1), not the case's runs
    Runner runner(options);
    return runner.run(reporter, "show").success() ? 0 : 1;
  }
  // --until-fail: one run a side per attempt, until a result fails.
  const int attempts = line.repeat > 1 ? line.repeat : 100;
  options.runs = 1;
  Reporter silent;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    Runner runner(options);
    RunSummary summary = runner.run(silent, "show");
    if (options.cancel && options.cancel->load()) return 1;
    if (!summary.success()) {
      out << fmt::format("parity show --until-fail: attempt {} of at most {} failed\n", attempt, attempts);
      show_summary(reporter, summary);
      return 1;
    }
    if (is_tty) out << fmt::format("\rattempt {}/{}: passed", attempt, attempts) << std::flush;
  }
  out << fmt::format("{}parity show --until-fail: all {} attempts passed\n", is_tty ? "\r\033[K" : "", attempts);
  return 0;
}

}  // namespace parity
