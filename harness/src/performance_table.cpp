// performance_table: the console's view of the benchmark cases and of the start-up floors.

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "reporter.hpp"

namespace parity {
namespace {

constexpr std::string_view floor_prefix = "floor.";

std::string median_cell(const CaseResult* result, const std::string& metric) {
  if (!result) return "-";
  auto summary = result->sample_summaries.find(metric);
  if (summary == result->sample_summaries.end() || summary->second.n == 0) return "-";
  auto unit = result->sample_units.find(metric);
  return format_measure(summary->second.median, unit == result->sample_units.end() ? "" : unit->second);
}

// Three significant digits, trailing zeros kept: "0.590", "1.00", "12.3", "123".
std::string ratio_number(double value) {
  if (value >= 100) return fmt::format("{:.0f}", value);
  if (value >= 10) return fmt::format("{:.1f}", value);
  if (value >= 1) return fmt::format("{:.2f}", value);
  return fmt::format("{:.3f}", value);
}

std::string ratio_cell(const std::optional<RatioEstimate>& ratio) {
  if (!ratio) return "-";
  return ratio_number(ratio->ratio) + " [" + ratio_number(ratio->low) + ", " + ratio_number(ratio->high) + "]";
}

}  // namespace

std::string performance_table(const RunSummary& summary) {
  struct Row {
    std::string operation, method, python, cpp, floor, to_python, to_floor;
  };
  std::vector<Row> rows;
  // Results are sorted by case, start method, impl: python then cpp of one unit are adjacent.
  std::map<std::tuple<std::string, StartMethod>, std::pair<const CaseResult*, const CaseResult*>> units;
  for (const CaseResult& result : summary.results) {
    auto& unit = units[{result.case_id, result.start_method}];
    (result.impl == Impl::python ? unit.first : unit.second) = &result;
  }
  for (const auto& [key, unit] : units) {
    const auto& [python, cpp] = unit;
    std::set<std::string> operations;
    for (const CaseResult* result : {python, cpp})
      if (result)
        for (const auto& [name, summary_of_name] : result->sample_summaries)
          if (!name.starts_with(floor_prefix)) operations.insert(name);
    for (const std::string& operation : operations) {
      OperationRatios ratios;
      if (cpp)
        if (auto found = cpp->operation_ratios.find(operation); found != cpp->operation_ratios.end())
          ratios = found->second;
      rows.push_back({std::get<0>(key) + " " + operation, to_string(std::get<1>(key)),
                      median_cell(python, operation), median_cell(cpp, operation),
                      median_cell(cpp, std::string(floor_prefix) + operation), ratio_cell(ratios.to_python),
                      ratio_cell(ratios.to_floor)});
    }
  }

  std::string text;
  if (!rows.empty()) {
    Row header{"operation", "method", "CPython", "mp", "floor", "mp/CPython [95% CI]", "mp/floor [95% CI]"};
    std::size_t w[7] = {};
    auto widen = [&](const Row& row) {
      const std::string* cells[7] = {&row.operation, &row.method, &row.python, &row.cpp,
                                     &row.floor,     &row.to_python, &row.to_floor};
      for (int i = 0; i < 7; ++i) w[i] = std::max(w[i], cells[i]->size());
    };
    widen(header);
    for (const Row& row : rows) widen(row);
    auto line = [&](const Row& row) {
      return fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", row.operation, w[0],
                         row.method, w[1], row.python, w[2], row.cpp, w[3], row.floor, w[4],
                         row.to_python, w[5], row.to_floor, w[6]);
    };
    text += "\nPerformance (medians of every run's samples; ratios with bootstrap 95% CIs; for times "
            "< 1 means mp is faster, for rates > 1)\n";
    text += line(header);
    for (const Row& row : rows) text += line(row);
  }
  if (!summary.startup_floor_s.empty()) {
    std::string floors;
    for (const auto& [impl, walls] : summary.startup_floor_s)
      floors += fmt::format("{}{} {}", floors.empty() ? "" : ", ", impl == Impl::python ? "CPython" : "mp",
                            format_seconds(median(walls)));
    text += fmt::format(
        "\nStart-up floor (median of {} empty programs): {}; the wall times above include it "
        "(results.json: median_wall_net_s)\n",
        summary.startup_floor_s.begin()->second.size(), floors);
  }
  return text;
}

}  // namespace parity
