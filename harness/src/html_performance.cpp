// The performance and racy-case sections of the HTML report: per benchmark operation mp, CPython
// and the OS floor with their CIs on a log scale and the two ratios; per racy case both sides'
// outcome and metric distributions and the comparison of mp's runs with CPython's.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "distribution_comparison.hpp"
#include "html_sections.hpp"
#include "reporter.hpp"
#include "svg_chart.hpp"

namespace parity::html {
namespace {

using json = nlohmann::json;

constexpr const char* floor_prefix = "floor.";

std::optional<IntervalRow> row_of(const json* result, const std::string& sample, const std::string& label,
                                  const std::string& css_class) {
  const json& summaries = object_at(result, "sample_summaries");
  if (!summaries.contains(sample)) return std::nullopt;
  const json& summary = summaries[sample];
  const json& interval = summary.value("median_ci", json::array());
  double median = summary.value("median", 0.0);
  return IntervalRow{label, css_class, median, interval.size() == 2 ? interval[0].get<double>() : median,
                     interval.size() == 2 ? interval[1].get<double>() : median};
}

// "0.32× [0.30, 0.35]: mp 3.1× faster" for a ratio of mp's value to another's; no winner named
// when the interval contains 1.
std::string ratio_text(const json& estimate, const std::string& unit, const std::string& other) {
  if (!estimate.is_object()) return "<span class=\"muted\">n/a</span>";
  double ratio = estimate.value("ratio", 0.0);
  auto number = [](double value) { return value < 10 ? fmt::format("{:.3f}", value) : fmt::format("{:.1f}", value); };
  std::string text = fmt::format("<b>{}×</b> [{}, {}]", number(ratio), number(estimate.value("low", 0.0)),
                                 number(estimate.value("high", 0.0)));
  if (!(ratio > 0) || other == "floor") return text;
  if (estimate.value("low", ratio) <= 1 && 1 <= estimate.value("high", ratio))
    return text + " <span class=\"muted\">no clear difference</span>";
  bool faster = smaller_is_better(unit) ? ratio < 1 : ratio > 1;
  double factor = ratio < 1 ? 1 / ratio : ratio;
  return text + fmt::format(" <span class=\"{}\">mp {:.3g}× {}</span>", faster ? "better" : "worse", factor,
                            faster ? "faster" : "slower");
}

struct Operation {
  std::string case_id, method, name, unit;
  const json* cpp = nullptr;
  const json* python = nullptr;
};

std::vector<Operation> operations(const ReportModel& model) {
  std::vector<Operation> found;
  for (const json& result : model.results()) {
    if (result.value("impl", std::string()) != "cpp") continue;
    for (const auto& [name, summary] : object_at(&result, "sample_summaries").items()) {
      if (name.rfind(floor_prefix, 0) == 0) continue;
      std::string case_id = result.value("case", std::string());
      std::string method = result.value("start_method", std::string());
      found.push_back({case_id, method, name, summary.value("unit", std::string()), &result,
                       model.find(case_id, method, "python")});
    }
  }
  return found;
}

std::string measure_cell(const std::optional<IntervalRow>& row, const std::string& unit) {
  return row ? html_escape(format_measure_interval(row->median, row->low, row->high, unit)) : "–";
}

void histogram_bars(std::ostream& out, const json& histogram, const std::string& css_class) {
  int total = 0;
  for (const auto& [value, runs] : histogram.items()) total += runs.get<int>();
  for (const auto& [value, runs] : histogram.items())
    out << fmt::format(
        R"(<div class="bar-row"><span class="label" title="{0}">{0}</span><div class="bar {1}" style="width:{2:.1f}%"></div><span>{3}</span></div>)",
        html_escape(value), css_class, total ? 100.0 * runs.get<int>() / total : 0.0, runs.get<int>());
}

bool varies(const json* result) {
  if (!result) return false;
  if (object_at(result, "outcome_histogram").size() > 1) return true;
  for (const auto& [name, histogram] : object_at(result, "metric_histograms").items())
    if (histogram.size() > 1) return true;
  return false;
}

void distributions(std::ostream& out, const json* result, const std::string& side, const std::string& css_class) {
  out << "<div><h4>" << side << "</h4>";
  if (!result) {
    out << "<p class=\"empty\">did not run</p></div>";
    return;
  }
  out << "<div class=\"muted\">outcomes</div>";
  histogram_bars(out, object_at(result, "outcome_histogram"), css_class);
  for (const auto& [name, histogram] : object_at(result, "metric_histograms").items()) {
    out << "<div class=\"muted\">@metric " << html_escape(name) << "</div>";
    histogram_bars(out, histogram, css_class);
  }
  out << "</div>";
}

// The cpp result's comparison with python's runs (JSON `distributions`), or an empty array.
const json& comparisons_of(const json* cpp) {
  static const json none = json::array();
  if (!cpp || !cpp->contains("distributions") || !(*cpp)["distributions"].is_array()) return none;
  return (*cpp)["distributions"];
}

bool support_diverges(const json& comparison) {
  return !comparison.value("only_python", json::array()).empty() || !comparison.value("only_cpp", json::array()).empty();
}

// One row per variable: the permutation test and its p-value, the values only one side shows.
void comparison_table(std::ostream& out, const json& comparisons) {
  if (comparisons.empty()) return;
  out << R"(<table class="data distribution"><tr><th>mp against CPython</th><th>test</th><th class="num">p</th><th>only CPython shows</th><th>only mp shows</th></tr>)";
  // A gap as "10 (13/30, p = 2.1e-05)"; results.json files written before gaps carried their
  // p-value list bare values.
  auto listed = [](const json& gaps) {
    std::string text;
    for (const json& gap : gaps) {
      text += text.empty() ? "" : ", ";
      if (gap.is_string()) {
        text += gap.get<std::string>();
        continue;
      }
      text += fmt::format("{} ({}/{}, p = {:.2g})", gap.value("value", std::string()), gap.value("shown", 0),
                          gap.value("runs", 0), gap.value("p_value", 1.0));
    }
    return text.empty() ? std::string("–") : html_escape(text);
  };
  for (const json& comparison : comparisons) {
    const bool diverges = support_diverges(comparison);
    out << "<tr" << (diverges ? " class=\"diverges\"" : "") << "><td>" << html_escape(comparison.value("name", std::string()))
        << "</td><td>" << html_escape(comparison.value("test", std::string())) << "</td><td class=\"num\">"
        << html_escape(p_value_text(comparison.value("p_value", 1.0), comparison.value("permutations", 9999)))
        << "</td><td>" << listed(comparison.value("only_python", json::array())) << "</td><td>"
        << listed(comparison.value("only_cpp", json::array())) << "</td></tr>";
  }
  out << "</table>";
}

}  // namespace

void performance(std::ostream& out, const ReportModel& model) {
  out << R"(<section id="performance"><h2>Performance</h2>)";
  auto found = operations(model);
  if (found.empty()) {
    out << "<p class=\"empty\">No benchmark operations in this run (cases/perf/ prints @sample lines).</p></section>\n";
    return;
  }
  out << R"(<p class="muted">Per operation: medians with 95% confidence intervals. mp/CPython &lt; 1 and mp/floor near 1 are good for times; )"
      << R"(for rates (items/s, B/s) larger is faster. The floor is the raw OS primitive measured beside mp in the same program.</p>)";
  out << R"(<table class="data perf-table"><tr><th>operation</th><th>case [method]</th><th class="num">mp</th><th class="num">CPython</th><th class="num">OS floor</th><th>mp / CPython</th><th>mp / floor</th></tr>)";
  for (const Operation& op : found) {
    const json& ratios = object_at(op.cpp, "operation_ratios");
    const json& estimate = ratios.contains(op.name) ? ratios[op.name] : json::object();
    out << "<tr><td><a href=\"#perf-" << html_escape(op.case_id + "-" + op.method + "-" + op.name) << "\">"
        << html_escape(op.name) << "</a></td><td>" << html_escape(op.case_id) << " [" << op.method << "]</td>"
        << "<td class=\"num\">" << measure_cell(row_of(op.cpp, op.name, "", ""), op.unit) << "</td>"
        << "<td class=\"num\">" << measure_cell(row_of(op.python, op.name, "", ""), op.unit) << "</td>"
        << "<td class=\"num\">" << measure_cell(row_of(op.cpp, floor_prefix + op.name, "", ""), op.unit) << "</td>"
        << "<td>" << ratio_text(estimate.value("to_python", json()), op.unit, "python") << "</td>"
        << "<td>" << ratio_text(estimate.value("to_floor", json()), op.unit, "floor") << "</td></tr>";
  }
  out << "</table><h3>Charts</h3><div class=\"cards\">";
  for (const Operation& op : found) {
    std::vector<IntervalRow> rows;
    for (auto row : {row_of(op.cpp, op.name, "mp", "mp"), row_of(op.python, op.name, "CPython", "python"),
                     row_of(op.cpp, floor_prefix + op.name, "OS floor", "floor")})
      if (row) rows.push_back(*row);
    const json& ratios = object_at(op.cpp, "operation_ratios");
    const json& estimate = ratios.contains(op.name) ? ratios[op.name] : json::object();
    out << "<div class=\"card perf\" id=\"perf-" << html_escape(op.case_id + "-" + op.method + "-" + op.name) << "\">"
        << "<h3>" << html_escape(op.name) << " <span class=\"where\">" << html_escape(op.case_id) << " [" << op.method
        << "] · " << html_escape(op.unit) << "</span></h3>" << interval_chart(rows, op.unit)
        << "<div class=\"ratios\">mp/CPython " << ratio_text(estimate.value("to_python", json()), op.unit, "python")
        << " · mp/floor " << ratio_text(estimate.value("to_floor", json()), op.unit, "floor") << "</div></div>\n";
  }
  out << "</div></section>\n";
}

void racy_cases(std::ostream& out, const ReportModel& model) {
  out << R"(<section id="racy"><h2>Racy cases</h2><p class="muted">Cases whose outcome or an @metric varied between runs, on either side, or whose sides show different values: both distributions side by side, then mp&#39;s runs against CPython&#39;s (a fixed-seed permutation test per variable, and the values one side shows that the other never does where that absence is unlikely by chance: a one-sided Fisher exact p below the case&#39;s alpha, 0.001 by default, over the number of values shown; highlighted rows are such a support divergence).</p>)";
  int shown = 0;
  for (const std::string& case_id : model.cases())
    for (const std::string& method : model.methods()) {
      const json* python = model.find(case_id, method, "python");
      const json* cpp = model.find(case_id, method, "cpp");
      const json& comparisons = comparisons_of(cpp);
      const bool diverges = std::any_of(comparisons.begin(), comparisons.end(), support_diverges);
      if (!varies(python) && !varies(cpp) && !diverges) continue;
      ++shown;
      out << "<div class=\"card racy\" data-case=\"" << html_escape(case_id) << "\"><h3>" << html_escape(case_id)
          << " <span class=\"where\">[" << method << "]</span></h3><div class=\"hist\">";
      distributions(out, python, "CPython", "python");
      distributions(out, cpp, "mp", "mp");
      out << "</div>";
      comparison_table(out, comparisons);
      out << "</div>\n";
    }
  if (shown == 0) out << "<p class=\"empty\">No case varied between its runs.</p>";
  out << "</section>\n";
}

}  // namespace parity::html
