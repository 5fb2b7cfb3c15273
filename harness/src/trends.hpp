#pragma once
// What the report shows of the history: per benchmark operation (case x start method x @sample name
// without "floor."), the last N runs of mp's, CPython's and the OS floor's medians with their
// change points (change_point.hpp); the change points among the most recent runs, with the commits
// either side ("what changed"); and the flaky cases. Plain data, built from HistoryStore queries.

#include <string>
#include <vector>

#include "change_point.hpp"
#include "history_store.hpp"

namespace parity {

struct TrendOptions {
  int runs = 60;         // the window: the last N runs of the history
  int recent_runs = 7;   // "what changed" lists change points within the last N runs
  ChangePointOptions change_points;
};

struct TrendLine {
  std::string label;      // "mp", "CPython", "OS floor"
  std::string css_class;  // "mp", "python", "floor"
  MetricSeries series;
  std::vector<ChangePoint> changes;
};

struct Trend {
  std::string case_id, start_method, operation, unit;
  std::vector<TrendLine> lines;  // mp, CPython, OS floor: those the history has
};

struct TrendChange {
  std::string case_id, start_method, operation, line, unit;
  ChangePoint point;
  HistoryRun before;  // the last run at the old level
  HistoryRun after;   // the first run at the new level
};

struct HistoryView {
  std::vector<HistoryRun> runs;  // the window, oldest first
  std::vector<Trend> trends;     // by case, start method, operation
  std::vector<TrendChange> recent_changes;  // newest first
  std::vector<FlakyCase> flaky;
  TrendOptions options;
};

// From data already read (the testable part).
HistoryView build_history_view(std::vector<HistoryRun> runs, const std::vector<MetricSeries>& series,
                               std::vector<FlakyCase> flaky, const TrendOptions& options = {});
// Reads the window from the store.
HistoryView read_history_view(const HistoryStore& store, const TrendOptions& options = {});

// The position of a run in the window (for a chart's x axis); runs.size() when absent.
std::size_t run_position(const HistoryView& view, std::int64_t run_id);

}  // namespace parity
