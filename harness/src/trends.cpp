// The history window, its trends and change points (trends.hpp).

#include "trends.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace parity {
namespace {

constexpr const char* floor_prefix = "floor.";

int line_order(const std::string& css_class) {
  return css_class == "mp" ? 0 : css_class == "python" ? 1 : 2;
}

}  // namespace

std::size_t run_position(const HistoryView& view, std::int64_t run_id) {
  for (std::size_t i = 0; i < view.runs.size(); ++i)
    if (view.runs[i].id == run_id) return i;
  return view.runs.size();
}

HistoryView build_history_view(std::vector<HistoryRun> runs, const std::vector<MetricSeries>& series,
                               std::vector<FlakyCase> flaky, const TrendOptions& options) {
  HistoryView view;
  view.runs = std::move(runs);
  view.flaky = std::move(flaky);
  view.options = options;
  std::map<std::tuple<std::string, std::string, std::string>, Trend> trends;
  for (const MetricSeries& entry : series) {
    bool floor = entry.metric.rfind(floor_prefix, 0) == 0;
    std::string operation = floor ? entry.metric.substr(std::string(floor_prefix).size()) : entry.metric;
    if (floor && entry.impl != "cpp") continue;  // the floor is measured beside mp only
    Trend& trend = trends[{entry.case_id, entry.start_method, operation}];
    trend.case_id = entry.case_id;
    trend.start_method = entry.start_method;
    trend.operation = operation;
    if (!floor || trend.unit.empty()) trend.unit = entry.unit;
    TrendLine line;
    line.css_class = floor ? "floor" : entry.impl == "cpp" ? "mp" : "python";
    line.label = floor ? "OS floor" : entry.impl == "cpp" ? "mp" : "CPython";
    line.series = entry;
    std::vector<double> medians;
    for (const HistoryPoint& point : entry.points) medians.push_back(point.median);
    line.changes = detect_change_points(medians, options.change_points);
    trend.lines.push_back(std::move(line));
  }
  std::size_t recent_from =
      view.runs.size() > static_cast<std::size_t>(options.recent_runs) ? view.runs.size() - options.recent_runs : 0;
  for (auto& [key, trend] : trends) {
    std::sort(trend.lines.begin(), trend.lines.end(), [](const TrendLine& a, const TrendLine& b) {
      return line_order(a.css_class) < line_order(b.css_class);
    });
    for (const TrendLine& line : trend.lines)
      for (const ChangePoint& change : line.changes) {
        const auto& points = line.series.points;
        std::size_t after = run_position(view, points[change.index].run_id);
        std::size_t before = run_position(view, points[change.index - 1].run_id);
        if (after >= view.runs.size() || before >= view.runs.size() || after < recent_from) continue;
        view.recent_changes.push_back({trend.case_id, trend.start_method, trend.operation, line.label,
                                       line.series.unit, change, view.runs[before], view.runs[after]});
      }
    view.trends.push_back(std::move(trend));
  }
  std::stable_sort(view.recent_changes.begin(), view.recent_changes.end(),
                   [](const TrendChange& a, const TrendChange& b) { return a.after.id > b.after.id; });
  return view;
}

HistoryView read_history_view(const HistoryStore& store, const TrendOptions& options) {
  std::vector<HistoryRun> runs = store.runs(options.runs);
  std::vector<std::int64_t> ids;
  for (const HistoryRun& run : runs) ids.push_back(run.id);
  return build_history_view(std::move(runs), store.metric_series(ids), store.flaky_cases(ids), options);
}

}  // namespace parity
