// What every reporter shares: RunSummary, ReporterList, and the formatting helpers of reporter.hpp.

#include <fmt/format.h>

#include <algorithm>

#include "reporter.hpp"

namespace parity {
namespace {

// Quotes one word for a POSIX shell when it needs it.
std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789@%+=:,./-_") == std::string::npos)
    return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

bool RunSummary::success() const {
  return std::all_of(results.begin(), results.end(),
                     [](const CaseResult& result) { return !is_failure(result.code); });
}

std::map<std::string, int> RunSummary::counts() const {
  std::map<std::string, int> counts;
  for (const auto& result : results) ++counts[to_string(result.code)];
  return counts;
}

void ReporterList::report_context(const RunContext& context) {
  for (auto& reporter : reporters_) reporter->report_context(context);
}

void ReporterList::report_results(const ResultBatch& batch) {
  for (auto& reporter : reporters_) reporter->report_results(batch);
}

void ReporterList::finalize(const RunSummary& summary) {
  for (auto& reporter : reporters_) reporter->finalize(summary);
}

std::string format_seconds(double seconds) {
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.0f} us", seconds * 1e6);
}

std::string format_measure(double value, const std::string& unit) {
  std::string text = fmt::format("{:.4g}", value);
  return unit.empty() ? text : text + " " + unit;
}

// "cd DIR && env K=V PROGRAM ARGS": what to paste into a shell to rerun one side by hand.
std::string rerun_command(const RunRecord& record) {
  std::string command;
  if (!record.cwd.empty()) {
    command += "cd ";
    command += shell_quote(record.cwd.string());
    command += " && ";
  }
  if (!record.env_overrides.empty()) {
    command += "env";
    for (const auto& [key, value] : record.env_overrides) {
      command += ' ';
      command += shell_quote(key + "=" + value);
    }
    command += ' ';
  }
  for (std::size_t i = 0; i < record.argv.size(); ++i) {
    if (i > 0) command += ' ';
    command += shell_quote(record.argv[i]);
  }
  return command;
}

}  // namespace parity
