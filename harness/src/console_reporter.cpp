// ConsoleReporter: progress while running, then the summary table, failures, distributions (with
// a racy cpp result's comparison against python's runs, passing or not) and totals (the tables and failure blocks are console_text.hpp's).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <tuple>

#include "console_text.hpp"
#include "reporter.hpp"
#include "version_matrix.hpp"

namespace parity {
namespace {

std::string result_label(const CaseResult& result) {
  return fmt::format("{} [{}] {}{}", result.case_id, to_string(result.start_method),
                     to_string(result.impl),
                     result.python_version.empty() ? "" : " " + result.python_version);
}

// "0:07", "12:34", "1:02:03".
std::string clock_text(double seconds) {
  long total = std::lround(std::max(0.0, seconds));
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

// A result's time: the median of its runs, and how many there were.
std::string time_text(const CaseResult& result) {
  if (result.runs.empty()) return "";
  if (result.runs.size() == 1) return " (" + format_seconds(result.median_wall_s) + ")";
  return fmt::format(" ({} runs, median {})", result.runs.size(), format_seconds(result.median_wall_s));
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
    : out_(out), tty_(is_tty), options_(std::move(options)) {
  started_ = last_progress_ = options_.clock();
}

void ConsoleReporter::report_context(const RunContext& context) {
  context_ = context;
  started_ = last_progress_ = options_.clock();
  std::string roots;
  for (const auto& root : context.case_roots) roots += (roots.empty() ? "" : ", ") + root.string();
  std::string python = context.python;
  if (!context.python_executable.empty() && context.python_executable != context.python)
    python += " = " + context.python_executable;
  out_ << fmt::format("parity {}: {} results from {}; python {} ({}), -j {}", context.command,
                      context.total_results, roots, python,
                      context.python_version.empty() ? "version unknown" : context.python_version,
                      context.jobs);
  if (!context.python_versions.empty())
    out_ << fmt::format(", python side also under CPython {}", fmt::join(context.python_versions, ", "));
  if (context.repeat > 1) out_ << fmt::format(", --repeat {}", context.repeat);
  if (context.shard_count > 1)
    out_ << fmt::format(", shard {}/{}", context.shard_index, context.shard_count);
  if (context.timeout_multiplier != 1)
    out_ << fmt::format(", timeouts x{}", context.timeout_multiplier);
  out_ << "\n";
  out_.flush();
}

// "[12/204] 0:34, about 1:20 left; 2 failures".
std::string ConsoleReporter::progress_text(int done, int total) const {
  double elapsed = std::chrono::duration<double>(options_.clock() - started_).count();
  std::string text = fmt::format("[{}/{}] {}", done, total, clock_text(elapsed));
  if (done > 0 && done < total) text += ", about " + clock_text(elapsed / done * (total - done)) + " left";
  if (failures_ > 0) text += fmt::format("; {} failure{}", failures_, failures_ == 1 ? "" : "s");
  return text;
}

void ConsoleReporter::report_results(const ResultBatch& batch) {
  const bool color = options_.color;
  int index = batch.done - static_cast<int>(batch.results.size());
  for (const auto& result : batch.results) {
    ++index;
    const bool failed = is_failure(result.code);
    failures_ += failed;
    std::string code = paint(result.code, to_string(result.code), color);
    std::string line = result_label(result) + " " + code + time_text(result);
    if (options_.verbosity == Verbosity::quiet) continue;
    if (tty_ && options_.progress_line) {
      // A failing result (every result with -v) stays on screen above the progress line.
      if (failed || options_.verbosity == Verbosity::verbose)
        out_ << "\r\033[K" << fmt::format("[{}/{}] ", index, batch.total) << line << "\n";
      std::string progress = progress_text(index, batch.total) + "  " + result_label(result);
      // Longer than the terminal, it would wrap and "\r" could not erase it.
      if (options_.width > 1 && progress.size() >= static_cast<std::size_t>(options_.width))
        progress.resize(static_cast<std::size_t>(options_.width) - 1);
      out_ << "\r\033[K" << progress;
      progress_width_ = progress.size();
      continue;
    }
    if (failed || options_.verbosity == Verbosity::verbose) {
      out_ << fmt::format("[{}/{}] ", index, batch.total) << line << "\n";
      continue;
    }
    // Compact progress for logs: at each tenth of the run, or after 30 s without a line.
    int tenth = batch.total > 0 ? index * 10 / batch.total : 10;
    auto now = options_.clock();
    if (tenth > last_tenth_ || now - last_progress_ >= std::chrono::seconds(30)) {
      out_ << progress_text(index, batch.total) << "\n";
      last_tenth_ = tenth;
      last_progress_ = now;
    }
  }
  out_.flush();
}

void ConsoleReporter::finalize(const RunSummary& summary) {
  if (tty_ && progress_width_ > 0) out_ << "\r\033[K";
  const bool color = options_.color;
  const bool quiet = options_.verbosity == Verbosity::quiet;
  ConsoleStyle style{color, options_.width, options_.full_stacks};
  const VersionMatrix versions = version_matrix(summary, context_);
  if (!quiet) out_ << summary_table(summary, style, versions);
  out_ << failure_blocks(summary, style, versions);

  // Distributions of cases with more than one run.
  bool header = false;
  for (const auto& result : summary.results) {
    if (quiet || result.runs.size() <= 1) continue;
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
    if (!result.distributions.empty()) out_ << "  against python's runs\n";
    for (const VariableComparison& comparison : result.distributions) out_ << "    " << describe(comparison) << "\n";
  }

  if (!quiet) out_ << performance_table(summary);
  out_ << holds_on_lines(versions, options_.width, color);

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
  // With benchmark cases beside the conformance catalog, the catalog's own time too (tracked: it
  // is what a developer waits for).
  const bool with_perf = std::any_of(summary.results.begin(), summary.results.end(),
                                     [](const CaseResult& result) { return !is_catalog_case(result.case_id); });
  const std::string catalog = with_perf && summary.catalog_elapsed_s > 0
                                  ? fmt::format(" (cases outside perf/: {})", format_seconds(summary.catalog_elapsed_s))
                                  : "";
  out_ << fmt::format("{} results: {}.\n{} elapsed{}, -j {}: workers busy {:.0f}%, CPU {} ({:.0f}% "
                      "of {} cores, harness and programs)\n",
                      summary.results.size() + summary.version_results.size(),
                      totals.empty() ? "none" : totals,
                      format_seconds(summary.elapsed_s), catalog, summary.jobs,
                      percent(summary.worker_busy_s, workers), format_seconds(summary.busy_s),
                      percent(summary.busy_s, cores), cores);
  if (summary.not_run > 0)
    out_ << fmt::format("Stopped early (--max-failures): {} result{} not run.\n", summary.not_run,
                        summary.not_run == 1 ? "" : "s");
  out_ << (summary.success() ? paint(ResultCode::pass, "OK", color) : paint(ResultCode::fail, "FAILED", color))
       << "\n";
  out_.flush();
}

}  // namespace parity
