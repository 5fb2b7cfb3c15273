// summary_table: the console's one row per case x start method (console_text.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "console_text.hpp"

namespace parity {
namespace {

// text cut in the middle to width columns: "queues/joi~deadlock".
std::string fit_middle(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width < 3) return text.substr(0, width);
  std::size_t head = (width - 1) / 2;
  return text.substr(0, head) + "~" + text.substr(text.size() - (width - 1 - head));
}

std::string pad(const std::string& text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string paint(ResultCode code, const std::string& text, bool color) {
  if (!color) return text;
  const char* ansi = "";
  switch (info(code).color) {
    case ConsoleColor::green: ansi = "\033[32m"; break;
    case ConsoleColor::red: ansi = "\033[31m"; break;
    case ConsoleColor::magenta: ansi = "\033[35m"; break;
    case ConsoleColor::cyan: ansi = "\033[36m"; break;
  }
  return ansi + text + "\033[0m";
}

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string summary_table(const RunSummary& summary, const ConsoleStyle& style, const VersionMatrix& versions) {
  struct Row {
    const CaseResult* python = nullptr;
    const CaseResult* cpp = nullptr;
  };
  std::map<std::tuple<std::string, StartMethod>, Row> rows;
  for (const auto& result : summary.results) {
    auto& row = rows[{result.case_id, result.start_method}];
    (result.impl == Impl::python ? row.python : row.cpp) = &result;
  }
  if (rows.empty()) return "";

  std::size_t case_width = 4, method_width = 6, code_width = 6;
  for (const auto& [key, row] : rows) {
    case_width = std::max(case_width, std::get<0>(key).size());
    method_width = std::max(method_width, to_string(std::get<1>(key)).size());
    for (const CaseResult* result : {row.python, row.cpp})
      if (result) code_width = std::max(code_width, to_string(result->code).size());
  }
  const std::size_t time_width = 9, ratio_width = 10;  // "123.4 ms", "cpp/python"
  const std::size_t results_width = 2 * code_width + 2;
  const std::size_t times_width = 2 * time_width + ratio_width + 4;
  // The version column is last: measured without colour, never padded.
  const bool with_versions = !versions.versions.empty();
  std::size_t versions_width = 0;
  if (with_versions) {
    versions_width = std::string_view("python versions").size();
    for (const VersionRow& row : versions.rows)
      versions_width = std::max(versions_width, display_width(differing_marks(versions, row, false)));
  }
  const std::size_t width = static_cast<std::size_t>(std::max(40, style.width));
  std::size_t fixed = method_width + results_width + 4 + (with_versions ? versions_width + 2 : 0);
  bool with_times = width >= fixed + times_width + 2 + 20;
  if (with_times) fixed += times_width + 2;
  case_width = std::max<std::size_t>(std::min(case_width, width > fixed + 2 ? width - fixed - 2 : 0), 12);

  std::string text = "\n";
  std::string groups = pad("", case_width) + "  " + pad("", method_width) + "  " + pad("result", results_width);
  std::string header = pad("case", case_width) + "  " + pad("method", method_width) + "  " +
                       pad("python", code_width) + "  " + pad("cpp", code_width);
  if (with_times) {
    groups += "  " + pad("median wall time", times_width);
    header += "  " + pad("python", time_width, true) + "  " + pad("cpp", time_width, true) + "  " +
              pad("cpp/python", ratio_width, true);
  }
  if (with_versions) header += "  python versions";
  while (!groups.empty() && groups.back() == ' ') groups.pop_back();
  text += groups + "\n" + header + "\n";
  for (const auto& [key, row] : rows) {
    auto code = [&](const CaseResult* result) {
      std::string cell = pad(result ? to_string(result->code) : "-", code_width);
      return result ? paint(result->code, cell, style.color) : cell;
    };
    std::string line = pad(fit_middle(std::get<0>(key), case_width), case_width) + "  " +
                       pad(to_string(std::get<1>(key)), method_width) + "  " + code(row.python) + "  " +
                       code(row.cpp);
    if (with_times) {
      auto wall = [](const CaseResult* result) {
        return result && !result->runs.empty() ? format_seconds(result->median_wall_s) : std::string("-");
      };
      std::string ratio = row.cpp && row.cpp->ratio_to_python
                              ? fmt::format("{:.2f}", *row.cpp->ratio_to_python)
                              : std::string("-");
      line += "  " + pad(wall(row.python), time_width, true) + "  " + pad(wall(row.cpp), time_width, true) +
              "  " + pad(ratio, ratio_width, true);
    }
    if (with_versions) {
      const VersionRow* versions_row = find_row(versions, std::get<0>(key), std::get<1>(key));
      line += "  " + (versions_row ? differing_marks(versions, *versions_row, style.color) : std::string("-"));
    }
    text += line + "\n";
  }
  return text;
}

}  // namespace parity
