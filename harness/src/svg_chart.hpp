#pragma once
// Inline SVG charts for the HTML report: plain strings, no script, no external resource, so the
// page opens from file:// and prints. Every data point is an element of class "point" with a
// <title> (its tooltip), so the browser test can count them.

#include <string>
#include <vector>

namespace parity {

// One row of an interval chart: a median and its confidence interval.
struct IntervalRow {
  std::string label;    // "mp", "CPython", "OS floor"
  std::string css_class;  // "mp", "python", "floor": the colour
  double median = 0, low = 0, high = 0;
};

// Rows on a shared logarithmic axis (values > 0; rows that are not are left out), each a dot with
// its CI as a whisker. unit: for the axis and the tooltips (format_measure).
std::string interval_chart(const std::vector<IntervalRow>& rows, const std::string& unit);

struct LinePoint {
  std::size_t x = 0;  // position on the shared x axis (the run's index in the history window)
  double value = 0, low = 0, high = 0;
  std::string tooltip;  // the run: commit and date
};

struct ChartLine {
  std::string label;
  std::string css_class;
  std::vector<LinePoint> points;    // ascending x
  std::vector<std::size_t> changes;  // indices into points where a new level starts
  std::vector<std::string> change_labels;  // one per change: "+31%"
};

// Lines over x = 0..x_count-1 on a logarithmic y axis (linear when all values lie within a factor
// of 3), change points as dashed verticals of their line's colour. x_labels: first and last run.
std::string line_chart(const std::vector<ChartLine>& lines, std::size_t x_count, const std::string& unit,
                       const std::string& first_x_label, const std::string& last_x_label);

// Text for HTML: & < > " ' escaped.
std::string html_escape(const std::string& text);

}  // namespace parity
