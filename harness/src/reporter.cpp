// What every reporter shares: RunSummary, ReporterList, and the formatting helpers of reporter.hpp.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
  auto passed = [](const CaseResult& result) { return !is_failure(result.code); };
  return std::all_of(results.begin(), results.end(), passed) &&
         std::all_of(version_results.begin(), version_results.end(), passed);
}

std::map<std::string, int> RunSummary::counts() const {
  std::map<std::string, int> counts;
  for (const auto* list : {&results, &version_results})
    for (const auto& result : *list) ++counts[to_string(result.code)];
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

namespace {

// The unit a value reads best in, and what to divide it by: times from ns to s, rates with k, M, G.
std::pair<double, std::string> measure_scale(double value, const std::string& unit) {
  static const std::pair<const char*, double> times[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};
  for (const auto& [name, seconds] : times) {
    if (unit != name) continue;
    // The smallest unit in which the value prints below 1000 (999.95 would print as "1000").
    for (const auto& [target, target_seconds] : times)
      if (std::fabs(value) * (seconds / target_seconds) < 999.95 || std::string(target) == "s")
        return {target_seconds / seconds, target};
  }
  if (unit == "items/s" || unit == "B/s") {
    static const std::pair<const char*, double> prefixes[] = {{"", 1}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}};
    for (const auto& [prefix, factor] : prefixes)
      if (std::fabs(value) / factor < 999.95 || std::string(prefix) == "G")
        return {factor, unit == "B/s" ? prefix + unit : std::string(prefix) + (*prefix ? " " : "") + unit};
  }
  return {1, unit};
}

}  // namespace

std::string format_measure(double value, const std::string& unit) {
  auto [divisor, shown] = measure_scale(value, unit);
  std::string text = fmt::format("{:.4g}", value / divisor);
  return shown.empty() ? text : text + " " + shown;
}

std::string format_measure_interval(double value, double low, double high, const std::string& unit) {
  auto [divisor, shown] = measure_scale(value, unit);
  std::string text = fmt::format("{:.4g} [{:.4g}, {:.4g}]", value / divisor, low / divisor, high / divisor);
  return shown.empty() ? text : text + " " + shown;
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
