// print_comparison and print_comparison_markdown: RunComparison as console text and as Markdown.

#include <fmt/format.h>

#include <algorithm>

#include "report_comparison.hpp"
#include "reporter.hpp"

namespace parity {
namespace {

std::string key_text(const ResultKey& key) {
  return fmt::format("{} [{}] {}", std::get<0>(key), to_string(std::get<1>(key)),
                     to_string(std::get<2>(key)));
}

std::string code_text(const std::optional<ResultCode>& code) { return code ? to_string(*code) : "-"; }

std::string median_text(const SampleSummary& summary, const std::string& unit) {
  if (summary.n == 0) return "-";
  return format_measure_interval(summary.median, summary.median_ci.low, summary.median_ci.high, unit);
}

std::string ratio_text(const std::optional<RatioEstimate>& ratio) {
  if (!ratio) return "-";
  return fmt::format("{:.3f} [{:.3f}, {:.3f}]", ratio->ratio, ratio->low, ratio->high);
}

std::string p_text(const MetricChange& change) {
  if (change.verdict == MetricVerdict::units_differ) return "-";
  return change.p < 1e-4 ? "<1e-4" : fmt::format("{:.4f}", change.p);
}

std::string verdict_text(const MetricChange& change) {
  std::string text = to_string(change.verdict);
  if (!change.gated && (change.verdict == MetricVerdict::slowdown || change.verdict == MetricVerdict::speedup)) {
    if (std::get<2>(change.key) == Impl::python) text += " (CPython)";
    else if (change.metric.rfind("floor.", 0) == 0) text += " (floor)";
    else text += " (raw; gated on /floor)";
  }
  return text;
}

bool notable(const MetricChange& change) {
  return change.verdict == MetricVerdict::slowdown || change.verdict == MetricVerdict::speedup ||
         change.verdict == MetricVerdict::not_in_every_run || change.verdict == MetricVerdict::units_differ;
}

std::string gate_text(const RunComparison& comparison) {
  int slowdowns = comparison.gated_slowdowns();
  int regressions = comparison.regressions();
  if (!comparison.failed())
    return fmt::format("no conformance regression, no significant slowdown of mp ({} metrics compared)",
                       comparison.metrics.size());
  return fmt::format("{} conformance regression{}, {} significant slowdown{} of mp", regressions,
                     regressions == 1 ? "" : "s", slowdowns, slowdowns == 1 ? "" : "s");
}

std::string criterion_text(const GateOptions& options) {
  return fmt::format("one-sided Mann-Whitney p < {:g} and a median change > {:g}%", options.max_p,
                     options.min_effect * 100);
}

}  // namespace

void print_comparison(std::ostream& out, const RunComparison& comparison, bool color) {
  auto paint = [&](const char* ansi, const std::string& text) {
    return color ? std::string(ansi) + text + "\033[0m" : text;
  };
  out << fmt::format("Comparison: base {} -> new {}\n({})\n", comparison.base_label,
                     comparison.new_label, criterion_text(comparison.options));
  if (!comparison.conformance.empty()) {
    out << "\nConformance\n";
    std::size_t width = 0;
    for (const auto& change : comparison.conformance) width = std::max(width, key_text(change.key).size());
    for (const auto& change : comparison.conformance) {
      std::string kind = fmt::format("{:<10}", to_string(change.transition));
      if (change.transition == Transition::regression) kind = paint("\033[31m", kind);
      if (change.transition == Transition::fix) kind = paint("\033[32m", kind);
      out << "  " << kind << "  " << fmt::format("{:<{}}", key_text(change.key), width) << "  "
          << code_text(change.base_code) << " -> " << code_text(change.new_code) << "\n";
    }
  }
  if (!comparison.metrics.empty()) {
    struct Row {
      std::string key, metric, base, current, ratio, p, verdict;
      const MetricChange* change;
    };
    std::vector<Row> rows;
    for (const auto& change : comparison.metrics)
      rows.push_back({key_text(change.key), change.metric, median_text(change.base, change.unit),
                      median_text(change.current, change.unit), ratio_text(change.cost_ratio),
                      p_text(change), verdict_text(change), &change});
    Row header{"result", "metric", "base median [95% CI]", "new median [95% CI]",
               "new/base cost [95% CI]", "p", "verdict", nullptr};
    std::size_t w[6] = {};
    auto widen = [&](const Row& row) {
      const std::string* cells[6] = {&row.key, &row.metric, &row.base, &row.current, &row.ratio, &row.p};
      for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], cells[i]->size());
    };
    widen(header);
    for (const Row& row : rows) widen(row);
    auto line = [&](const Row& row) {
      return fmt::format("  {:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}  ", row.key, w[0], row.metric,
                         w[1], row.base, w[2], row.current, w[3], row.ratio, w[4], row.p, w[5]);
    };
    out << "\nMetrics\n" << line(header) << header.verdict << "\n";
    for (const Row& row : rows) {
      std::string verdict = row.verdict;
      if (row.change->verdict == MetricVerdict::slowdown)
        verdict = paint(row.change->gated ? "\033[31m" : "\033[35m", verdict);
      if (row.change->verdict == MetricVerdict::speedup) verdict = paint("\033[32m", verdict);
      out << line(row) << verdict << "\n";
    }
  }
  out << "\n"
      << (comparison.failed() ? paint("\033[31m", "REGRESSED") : paint("\033[32m", "CLEAN")) << ": "
      << gate_text(comparison) << "\n";
}

void print_comparison_markdown(std::ostream& out, const RunComparison& comparison) {
  auto cell = [](std::string text) {
    std::string escaped;
    for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  out << "### parity: " << (comparison.failed() ? "regressed" : "clean") << "\n\n"
      << "**" << cell(gate_text(comparison)) << "**  \n"
      << "base `" << cell(comparison.base_label) << "` → new `" << cell(comparison.new_label)
      << "`; " << criterion_text(comparison.options) << ".\n";
  if (!comparison.conformance.empty()) {
    out << "\n| change | result | base | new |\n| --- | --- | --- | --- |\n";
    for (const auto& change : comparison.conformance)
      out << "| " << to_string(change.transition) << " | " << cell(key_text(change.key)) << " | "
          << code_text(change.base_code) << " | " << code_text(change.new_code) << " |\n";
  }
  auto table = [&](const std::vector<const MetricChange*>& rows) {
    out << "\n| result | metric | base median [95% CI] | new median [95% CI] | new/base cost [95% CI] "
           "| p | verdict |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n";
    for (const MetricChange* change : rows)
      out << "| " << cell(key_text(change->key)) << " | " << cell(change->metric) << " | "
          << cell(median_text(change->base, change->unit)) << " | "
          << cell(median_text(change->current, change->unit)) << " | "
          << cell(ratio_text(change->cost_ratio)) << " | " << p_text(*change) << " | "
          << (change->verdict == MetricVerdict::slowdown && change->gated ? "**" + verdict_text(*change) + "**"
                                                                          : verdict_text(*change))
          << " |\n";
  };
  std::vector<const MetricChange*> changed, same;
  for (const auto& change : comparison.metrics) (notable(change) ? changed : same).push_back(&change);
  if (!changed.empty()) table(changed);
  if (!same.empty()) {
    out << "\n<details><summary>" << same.size() << " metric" << (same.size() == 1 ? "" : "s")
        << " without a significant change</summary>\n";
    table(same);
    out << "\n</details>\n";
  }
}

}  // namespace parity
