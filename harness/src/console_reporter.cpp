// ConsoleReporter: progress lines, then the summary table, failures and distributions.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <tuple>

#include "normalizer.hpp"
#include "reporter.hpp"

namespace parity {
namespace {

const char* ansi(ConsoleColor color) {
  switch (color) {
    case ConsoleColor::green: return "\033[32m";
    case ConsoleColor::red: return "\033[31m";
    case ConsoleColor::magenta: return "\033[35m";
    case ConsoleColor::cyan: return "\033[36m";
  }
  return "";
}

const char* color_of(ResultCode code) { return ansi(info(code).color); }

std::string result_label(const CaseResult& result) {
  return fmt::format("{} [{}] {}", result.case_id, to_string(result.start_method),
                     to_string(result.impl));
}

// Keyed lookups over the sorted results: the python and cpp result of a case x start method.
using UnitKey = std::tuple<std::string, StartMethod>;
struct UnitRow {
  const CaseResult* python = nullptr;
  const CaseResult* cpp = nullptr;
};

std::map<UnitKey, UnitRow> rows_of(const std::vector<CaseResult>& results) {
  std::map<UnitKey, UnitRow> rows;
  for (const auto& result : results) {
    auto& row = rows[{result.case_id, result.start_method}];
    (result.impl == Impl::python ? row.python : row.cpp) = &result;
  }
  return rows;
}

std::string histogram_text(const Histogram& histogram, int total, const std::string& indent) {
  std::string text;
  int widest = 0;
  for (const auto& [value, count] : histogram) widest = std::max(widest, static_cast<int>(value.size()));
  for (const auto& [value, count] : histogram) {
    int bar = total > 0 ? static_cast<int>(std::lround(30.0 * count / total)) : 0;
    text += fmt::format("{}{:<{}}  {:>4}  {}\n", indent, value, widest, count,
                        std::string(static_cast<std::size_t>(std::max(bar, 1)), '#'));
  }
  return text;
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::ostream& out, bool is_tty, ConsoleOptions options)
    : out_(out), tty_(is_tty), options_(options) {}

void ConsoleReporter::report_context(const RunContext& context) {
  context_ = context;
  std::string roots;
  for (const auto& root : context.case_roots) roots += (roots.empty() ? "" : ", ") + root.string();
  std::string python = context.python;
  if (!context.python_executable.empty() && context.python_executable != context.python)
    python += " = " + context.python_executable;
  out_ << fmt::format("parity {}: {} results from {}; python {} ({}), -j {}", context.command,
                      context.total_results, roots, python,
                      context.python_version.empty() ? "version unknown" : context.python_version,
                      context.jobs);
  if (context.repeat > 1) out_ << fmt::format(", --repeat {}", context.repeat);
  if (context.shard_count > 1)
    out_ << fmt::format(", shard {}/{}", context.shard_index, context.shard_count);
  if (context.timeout_multiplier != 1)
    out_ << fmt::format(", timeouts x{}", context.timeout_multiplier);
  out_ << "\n";
  out_.flush();
}

void ConsoleReporter::report_results(const ResultBatch& batch) {
  int index = batch.done - static_cast<int>(batch.results.size());
  for (const auto& result : batch.results) {
    ++index;
    std::string code = to_string(result.code);
    std::string line = fmt::format("[{}/{}] {} ", index, batch.total, result_label(result));
    if (tty_ && options_.progress_line) {
      std::string shown = line + code;
      out_ << "\r\033[K" << line << (options_.color ? color_of(result.code) : "") << code
           << (options_.color ? "\033[0m" : "");
      progress_width_ = shown.size();
      // A result that is not a success stays on screen above the progress line.
      if (is_failure(result.code)) {
        out_ << "\n";
        progress_width_ = 0;
      }
    } else {
      out_ << line << code << "\n";
    }
  }
  out_.flush();
}

void ConsoleReporter::finalize(const RunSummary& summary) {
  if (tty_ && progress_width_ > 0) out_ << "\r\033[K";
  const bool color = tty_ && options_.color;
  auto paint = [&](ResultCode code, const std::string& text) {
    return color ? std::string(color_of(code)) + text + "\033[0m" : text;
  };
  auto code_cell = [&](const CaseResult* result, int width) {
    std::string text = result ? to_string(result->code) : "-";
    std::string padded = fmt::format("{:<{}}", text, width);
    return result ? paint(result->code, padded) : padded;
  };

  // The summary table.
  auto rows = rows_of(summary.results);
  std::size_t case_width = 4;
  for (const auto& [key, row] : rows) case_width = std::max(case_width, std::get<0>(key).size());
  out_ << "\n"
       << fmt::format("{:<{}}  {:<10}  {:<17}  {:<17}  {:>10}  {:>10}  {:>7}\n", "case",
                      case_width, "start", "python", "cpp", "python", "cpp", "cpp/py");
  for (const auto& [key, row] : rows) {
    auto wall = [](const CaseResult* result) {
      return result && !result->runs.empty() ? format_seconds(result->median_wall_s)
                                             : std::string("-");
    };
    std::string ratio = row.cpp && row.cpp->ratio_to_python
                            ? fmt::format("{:.2f}", *row.cpp->ratio_to_python)
                            : std::string("-");
    out_ << fmt::format("{:<{}}  {:<10}  ", std::get<0>(key), case_width,
                        to_string(std::get<1>(key)))
         << code_cell(row.python, 17) << "  " << code_cell(row.cpp, 17) << "  "
         << fmt::format("{:>10}  {:>10}  {:>7}\n", wall(row.python), wall(row.cpp), ratio);
  }

  // Failures: reasons and diffs. Start methods that failed the same way are listed once.
  struct FailureGroup {
    const CaseResult* first;
    std::vector<StartMethod> methods;
  };
  std::vector<FailureGroup> groups;
  for (const auto& result : summary.results) {
    bool listed = is_failure(result.code) ||
                  (result.code == ResultCode::xfail && !result.override_reason.empty());
    if (!listed) continue;
    auto same = std::find_if(groups.begin(), groups.end(), [&](const FailureGroup& group) {
      const CaseResult& other = *group.first;
      return other.case_id == result.case_id && other.impl == result.impl &&
             other.code == result.code && other.reasons == result.reasons &&
             other.diff == result.diff && other.override_reason == result.override_reason;
    });
    if (same != groups.end()) {
      same->methods.push_back(result.start_method);
    } else {
      groups.push_back({&result, {result.start_method}});
    }
  }
  if (!groups.empty())
    out_ << "\n" << (color ? "\033[1m" : "") << "Failures" << (color ? "\033[0m" : "") << "\n";
  for (const auto& group : groups) {
    const CaseResult& result = *group.first;
    std::string methods;
    for (StartMethod method : group.methods) methods += (methods.empty() ? "" : ", ") + to_string(method);
    out_ << "\n"
         << paint(result.code, to_string(result.code))
         << fmt::format(" {} [{}] {}\n", result.case_id, methods, to_string(result.impl));
    for (const auto& reason : result.reasons) out_ << "  " << reason << "\n";
    if (!result.override_reason.empty())
      out_ << "  documented divergence: " << result.override_reason << "\n";
    if (!result.runs.empty()) out_ << "  rerun: " << rerun_command(result.runs.front().record) << "\n";
    for (const std::string& diff_line : split_lines(result.diff)) {
      const char* tint = !color                          ? ""
                         : diff_line.rfind("+", 0) == 0   ? ansi(ConsoleColor::green)
                         : diff_line.rfind("-", 0) == 0   ? ansi(ConsoleColor::red)
                         : diff_line.rfind("@@", 0) == 0  ? ansi(ConsoleColor::cyan)
                                                          : "";
      out_ << "    " << tint << diff_line << (*tint ? "\033[0m" : "") << "\n";
    }
  }

  // Distributions of cases with more than one run.
  bool header = false;
  for (const auto& result : summary.results) {
    if (result.runs.size() <= 1) continue;
    if (!header) {
      out_ << "\nDistributions\n";
      header = true;
    }
    int total = static_cast<int>(result.runs.size());
    out_ << fmt::format("\n{}: {} runs, median {}\n", result_label(result), total,
                        format_seconds(result.median_wall_s));
    out_ << "  outcome\n" << histogram_text(result.outcome_histogram, total, "    ");
    for (const auto& [metric, histogram] : result.metric_histograms)
      out_ << "  @" << metric << "\n" << histogram_text(histogram, total, "    ");
  }

  out_ << performance_table(summary);

  // Totals.
  out_ << "\n";
  std::string totals;
  for (const auto& [code, count] : summary.counts())
    totals += fmt::format("{}{} {}", totals.empty() ? "" : ", ", count, code);
  double workers = std::max(1, summary.jobs);
  double cores = std::max(1u, std::thread::hardware_concurrency());
  auto percent = [&](double part, double whole) {
    return summary.elapsed_s > 0 ? 100.0 * part / (summary.elapsed_s * whole) : 0.0;
  };
  out_ << fmt::format("{} results: {}.\n{} elapsed, -j {}: workers busy {:.0f}%, CPU {} ({:.0f}% "
                      "of {} cores, harness and programs)\n",
                      summary.results.size(), totals.empty() ? "none" : totals,
                      format_seconds(summary.elapsed_s), summary.jobs,
                      percent(summary.worker_busy_s, workers), format_seconds(summary.busy_s),
                      percent(summary.busy_s, cores), cores);
  out_ << (summary.success() ? paint(ResultCode::pass, "OK") : paint(ResultCode::fail, "FAILED"))
       << "\n";
  out_.flush();
}

}  // namespace parity
