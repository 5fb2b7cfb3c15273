// The sections of the HTML report that read the history: what changed (the recent change points
// with the commits either side), the trend charts, and the flaky cases.

#include <fmt/format.h>

#include "html_sections.hpp"
#include "reporter.hpp"
#include "svg_chart.hpp"

namespace parity::html {
namespace {

// Without a history a section says so and ends; true then.
bool history_missing(std::ostream& out, const HistoryView* history) {
  if (history) return false;
  out << "<p class=\"empty\">No history given: <code>parity report --history reports/history.sqlite</code> "
         "(docs/history.md).</p></section>\n";
  return true;
}

std::string run_label(const HistoryRun& run) {
  return "run " + std::to_string(run.id) + " · " + short_commit(run.git_commit) + " · " + run.started_at.substr(0, 10);
}

// Whether a change of this line is an improvement: mp or the floor getting cheaper, or faster in
// a rate. CPython's changes are the machine's, neither good nor bad for mp; shown neutral.
std::string direction_class(const TrendChange& change) {
  if (change.line == "CPython") return "";
  bool lower = change.point.relative_change < 0;
  return lower == smaller_is_better(change.unit) ? "better" : "worse";
}

}  // namespace

void what_changed(std::ostream& out, const HistoryView* history) {
  out << R"(<section id="changes"><h2>What changed</h2>)";
  if (history_missing(out, history)) return;
  out << fmt::format(R"(<p class="muted">Change points (E-divisive means, docs/history.md) within the last {} of {} runs in the history, newest first.</p>)",
                     history->options.recent_runs, history->runs.size());
  if (history->recent_changes.empty()) {
    out << "<p class=\"empty\">No change point in the last " << history->options.recent_runs << " runs.</p></section>\n";
    return;
  }
  out << R"(<table class="data changes"><tr><th>operation</th><th>case [method]</th><th>series</th><th class="num">change</th><th class="num">before</th><th class="num">after</th><th>last run before</th><th>first run after</th></tr>)";
  for (const TrendChange& change : history->recent_changes) {
    out << fmt::format(
        R"(<tr class="change" data-case="{0}" data-method="{1}" data-operation="{2}" data-series="{3}" data-after-run="{4}"><td><a href="#trend-{0}-{1}-{2}">{2}</a></td><td>{0} [{1}]</td><td>{3}</td><td class="num delta {5}">{6}</td><td class="num">{7}</td><td class="num">{8}</td><td>{9}</td><td>{10}</td></tr>)",
        html_escape(change.case_id), change.start_method, html_escape(change.operation), change.line,
        change.after.id, direction_class(change), percent_change(change.point.relative_change),
        html_escape(format_measure(change.point.before_median, change.unit)),
        html_escape(format_measure(change.point.after_median, change.unit)), html_escape(run_label(change.before)),
        html_escape(run_label(change.after)));
  }
  out << "</table></section>\n";
}

void trends(std::ostream& out, const HistoryView* history) {
  out << R"(<section id="trends"><h2>Trends</h2>)";
  if (history_missing(out, history)) return;
  if (history->trends.empty()) {
    out << "<p class=\"empty\">The history has no benchmark operations yet.</p></section>\n";
    return;
  }
  const auto& runs = history->runs;
  out << fmt::format(R"(<p class="muted">Medians of the last {} runs ({} to {}); dashed lines mark change points.</p>)",
                     runs.size(), html_escape(runs.front().started_at.substr(0, 10)),
                     html_escape(runs.back().started_at.substr(0, 10)));
  out << R"(<div class="legend"><span><span class="swatch sw-mp"></span>mp</span><span><span class="swatch sw-python"></span>CPython</span><span><span class="swatch sw-floor"></span>OS floor</span></div><div class="cards">)";
  for (const Trend& trend : history->trends) {
    std::vector<ChartLine> lines;
    for (const TrendLine& line : trend.lines) {
      ChartLine chart{line.label, line.css_class, {}, {}, {}};
      for (const HistoryPoint& point : line.series.points) {
        std::size_t x = run_position(*history, point.run_id);
        chart.points.push_back({x, point.median, point.ci_low, point.ci_high,
                                x < runs.size() ? run_label(runs[x]) : ""});
      }
      for (const ChangePoint& change : line.changes) {
        chart.changes.push_back(change.index);
        chart.change_labels.push_back(percent_change(change.relative_change));
      }
      lines.push_back(std::move(chart));
    }
    int change_count = 0;
    for (const TrendLine& line : trend.lines) change_count += static_cast<int>(line.changes.size());
    out << fmt::format(R"(<div class="card trend" id="trend-{0}-{1}-{2}" data-changes="{3}"><h3>{2} <span class="where">{0} [{1}] · {4}</span></h3>)",
                       html_escape(trend.case_id), trend.start_method, html_escape(trend.operation), change_count,
                       html_escape(trend.unit))
        << line_chart(lines, runs.size(), trend.unit, run_label(runs.front()), run_label(runs.back())) << "</div>\n";
  }
  out << "</div></section>\n";
}

void flaky_history(std::ostream& out, const HistoryView* history) {
  out << R"(<section id="flaky"><h2>Flaky history</h2>)";
  if (history_missing(out, history)) return;
  out << "<p class=\"muted\">Cases whose verdict differed between runs of the same clean commit, in the last "
      << history->runs.size() << " runs.</p>";
  if (history->flaky.empty()) {
    out << "<p class=\"empty\">None.</p></section>\n";
    return;
  }
  out << R"(<table class="data flaky"><tr><th>case</th><th>method</th><th>side</th><th>commit</th><th class="num">runs</th><th>verdicts</th></tr>)";
  for (const FlakyCase& entry : history->flaky) {
    std::string codes;
    for (const auto& [code, count] : entry.codes)
      codes += fmt::format(R"(<span class="chip r-{0}">{1} {0}</span> )", html_escape(code), count);
    out << "<tr class=\"flaky-case\"><td>" << html_escape(entry.case_id) << "</td><td>" << entry.start_method
        << "</td><td>" << (entry.impl == "cpp" ? "mp" : "CPython") << "</td><td>" << short_commit(entry.git_commit)
        << "</td><td class=\"num\">" << entry.runs << "</td><td>" << codes << "</td></tr>";
  }
  out << "</table></section>\n";
}

}  // namespace parity::html
