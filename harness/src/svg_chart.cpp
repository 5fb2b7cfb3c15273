// Interval and line charts as inline SVG (svg_chart.hpp).

#include "svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "reporter.hpp"

namespace parity {
namespace {

// A value axis mapped onto [0, 1]: logarithmic, or linear for narrow ranges.
struct Axis {
  bool log = true;
  double low = 1, high = 10;

  double position(double value) const {
    if (log) return (std::log10(value) - std::log10(low)) / (std::log10(high) - std::log10(low));
    return (value - low) / (high - low);
  }

  std::vector<double> ticks() const {
    std::vector<double> result;
    if (log) {
      for (int exponent = static_cast<int>(std::floor(std::log10(low)));
           exponent <= static_cast<int>(std::ceil(std::log10(high))); ++exponent)
        for (double mantissa : {1.0, 2.0, 5.0}) {
          double tick = mantissa * std::pow(10.0, exponent);
          if (tick >= low && tick <= high) result.push_back(tick);
        }
      if (result.size() > 7) std::erase_if(result, [](double tick) {
        double mantissa = tick / std::pow(10.0, std::floor(std::log10(tick) + 1e-9));
        return std::fabs(mantissa - 1) > 1e-6;
      });
      if (result.size() >= 3) return result;
    }
    // Linear steps of 1, 2 or 5 times a power of ten (also on a log axis narrower than 1-2-5).
    result.clear();
    double raw = (high - low) / 4;
    double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double factor : {1.0, 2.0, 5.0, 10.0})
      if (factor * magnitude >= raw) {
        step = factor * magnitude;
        break;
      }
    for (double tick = std::ceil(low / step) * step; tick <= high + step * 1e-9; tick += step)
      if (tick > 0) result.push_back(tick);
    return result;
  }
};

// An axis holding every value (all > 0), padded a little at both ends.
Axis axis_for(double low, double high, bool allow_linear) {
  Axis axis;
  if (!(low > 0) || !(high > 0)) return axis;
  if (allow_linear && high / low < 3) {
    double pad = std::max((high - low) * 0.15, high * 0.02);
    axis.log = false;
    axis.low = std::max(low - pad, 0.0);
    axis.high = high + pad;
    return axis;
  }
  axis.low = low / 1.3;
  axis.high = high * 1.3;
  return axis;
}

std::string number(double value) { return fmt::format("{:.1f}", value); }

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string interval_chart(const std::vector<IntervalRow>& all_rows, const std::string& unit) {
  std::vector<IntervalRow> rows;
  for (const IntervalRow& row : all_rows)
    if (row.median > 0 && row.low > 0 && row.high > 0) rows.push_back(row);
  if (rows.empty()) return {};
  double low = rows.front().low, high = rows.front().high;
  for (const IntervalRow& row : rows) {
    low = std::min({low, row.low, row.median});
    high = std::max({high, row.high, row.median});
  }
  Axis axis = axis_for(low, high, false);
  const double width = 460, label_width = 78, right = 12, row_height = 24, top = 8;
  const double plot = width - label_width - right;
  const double height = top + row_height * static_cast<double>(rows.size()) + 26;
  auto x_of = [&](double value) { return label_width + plot * axis.position(value); };
  std::ostringstream svg;
  svg << fmt::format(R"(<svg class="chart interval" viewBox="0 0 {} {}" width="100%" role="img">)",
                     number(width), number(height));
  const double axis_y = top + row_height * static_cast<double>(rows.size()) + 4;
  for (double tick : axis.ticks()) {
    double x = x_of(tick);
    svg << fmt::format(R"(<line class="grid" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>)", number(x), number(top),
                       number(axis_y));
    svg << fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>)", number(x),
                       number(axis_y + 13), html_escape(format_measure(tick, unit)));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const IntervalRow& row = rows[i];
    double y = top + row_height * (static_cast<double>(i) + 0.5);
    svg << fmt::format(R"(<text class="row-label" x="{}" y="{}" text-anchor="end">{}</text>)",
                       number(label_width - 8), number(y + 4), html_escape(row.label));
    svg << fmt::format(R"(<g class="series {0}"><line class="ci" x1="{1}" x2="{2}" y1="{3}" y2="{3}"/>)",
                       row.css_class, number(x_of(row.low)), number(x_of(row.high)), number(y));
    svg << fmt::format(R"(<line class="ci" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/><line class="ci" x1="{3}" x2="{3}" y1="{1}" y2="{2}"/>)",
                       number(x_of(row.low)), number(y - 5), number(y + 5), number(x_of(row.high)));
    svg << fmt::format(R"(<circle class="point" cx="{}" cy="{}" r="4.5"><title>{}: {}</title></circle></g>)",
                       number(x_of(row.median)), number(y), html_escape(row.label),
                       html_escape(format_measure_interval(row.median, row.low, row.high, unit)));
  }
  svg << fmt::format(R"(<text class="axis-note" x="{}" y="{}" text-anchor="end">log scale</text>)",
                     number(label_width - 8), number(axis_y + 13));
  svg << "</svg>";
  return svg.str();
}

std::string line_chart(const std::vector<ChartLine>& lines, std::size_t x_count, const std::string& unit,
                       const std::string& first_x_label, const std::string& last_x_label) {
  double low = INFINITY, high = 0;
  for (const ChartLine& line : lines)
    for (const LinePoint& point : line.points)
      if (point.value > 0) {
        low = std::min(low, point.value);
        high = std::max(high, point.value);
      }
  if (!(high > 0) || x_count == 0) return {};
  Axis axis = axis_for(low, high, true);
  const double width = 460, left = 70, right = 14, top = 10, plot_height = 150;
  const double plot_width = width - left - right, height = top + plot_height + 30;
  auto x_of = [&](std::size_t x) {
    return x_count <= 1 ? left + plot_width / 2
                        : left + plot_width * static_cast<double>(x) / static_cast<double>(x_count - 1);
  };
  auto y_of = [&](double value) { return top + plot_height * (1 - axis.position(value)); };
  std::ostringstream svg;
  svg << fmt::format(R"(<svg class="chart trend" viewBox="0 0 {} {}" width="100%" role="img">)",
                     number(width), number(height));
  for (double tick : axis.ticks()) {
    double y = y_of(tick);
    svg << fmt::format(R"(<line class="grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>)", number(left),
                       number(width - right), number(y));
    svg << fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>)", number(left - 6),
                       number(y + 4), html_escape(format_measure(tick, unit)));
  }
  svg << fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="start">{}</text>)", number(left),
                     number(height - 8), html_escape(first_x_label));
  svg << fmt::format(R"(<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>)", number(width - right),
                     number(height - 8), html_escape(last_x_label));
  for (const ChartLine& line : lines) {
    svg << "<g class=\"series " << line.css_class << "\">";
    for (std::size_t k = 0; k < line.changes.size(); ++k) {
      std::size_t at = line.changes[k];
      if (at == 0 || at >= line.points.size()) continue;
      double x = (x_of(line.points[at - 1].x) + x_of(line.points[at].x)) / 2;
      std::string label = k < line.change_labels.size() ? line.change_labels[k] : "";
      svg << fmt::format(R"(<line class="change-point" x1="{0}" x2="{0}" y1="{1}" y2="{2}"><title>{3}: {4}</title></line>)",
                         number(x), number(top), number(top + plot_height), html_escape(line.label),
                         html_escape(label));
      svg << fmt::format(R"(<text class="change-label" x="{}" y="{}">{}</text>)", number(x + 3),
                         number(top + 10 + 11 * static_cast<double>(&line - &lines.front())), html_escape(label));
    }
    std::string polyline;
    for (const LinePoint& point : line.points)
      if (point.value > 0) polyline += number(x_of(point.x)) + "," + number(y_of(point.value)) + " ";
    if (line.points.size() > 1) svg << "<polyline class=\"line\" points=\"" << polyline << "\"/>";
    for (const LinePoint& point : line.points) {
      if (!(point.value > 0)) continue;
      svg << fmt::format(R"(<circle class="point" cx="{}" cy="{}" r="2.6"><title>{} {}: {}</title></circle>)",
                         number(x_of(point.x)), number(y_of(point.value)), html_escape(line.label),
                         html_escape(point.tooltip),
                         html_escape(format_measure_interval(point.value, point.low, point.high, unit)));
    }
    svg << "</g>";
  }
  svg << fmt::format(R"(<text class="axis-note" x="{}" y="{}" text-anchor="end">{}</text>)",
                     number(width - right), number(top + 10), axis.log ? "log scale" : "");
  svg << "</svg>";
  return svg.str();
}

}  // namespace parity
