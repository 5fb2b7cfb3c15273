// The version matrix: built from a run's results, rendered for the console and for results.json.

#include "version_matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "console_text.hpp"
#include "python_versions.hpp"

namespace parity {
namespace {

// text cut to at most `columns` code points, the last one "~" when cut.
std::string cut_to(const std::string& text, std::size_t columns) {
  if (display_width(text) <= columns) return text;
  if (columns == 0) return "";
  std::string cut;
  std::size_t taken = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_code_point && ++taken == columns) break;
    cut += text[i];
  }
  return cut + "~";
}

// What a cell says beside the marks when it does not hold: its first difference, else its first
// reason. Empty for a cell that holds.
std::string explanation(const CaseResult* cell) {
  if (!cell || cell_mark(cell) == info(ResultCode::pass).version_mark) return "";
  if (!cell->first_difference.empty()) return cell->first_difference;
  if (cell->code == ResultCode::skip) return "";
  return cell->reasons.empty() ? "" : cell->reasons.front();
}

}  // namespace

VersionMatrix version_matrix(const RunSummary& summary, const RunContext& context) {
  VersionMatrix matrix;
  if (context.python_versions.empty()) return matrix;
  matrix.versions = context.python_versions;
  matrix.versions.push_back(context.python_version);
  std::sort(matrix.versions.begin(), matrix.versions.end(), version_less);
  matrix.reference_column = static_cast<std::size_t>(
      std::find(matrix.versions.begin(), matrix.versions.end(), context.python_version) -
      matrix.versions.begin());

  std::map<std::pair<std::string, StartMethod>, VersionRow> rows;
  auto place = [&](const CaseResult& result, std::size_t column) {
    VersionRow& row = rows[{result.case_id, result.start_method}];
    if (row.cells.empty()) {
      row.case_id = result.case_id;
      row.method = result.start_method;
      row.cells.assign(matrix.versions.size(), nullptr);
    }
    row.cells[column] = &result;
  };
  for (const CaseResult& result : summary.results)
    if (result.impl == Impl::python) place(result, matrix.reference_column);
  for (const CaseResult& result : summary.version_results) {
    auto column = std::find(matrix.versions.begin(), matrix.versions.end(), result.python_version);
    if (column != matrix.versions.end())
      place(result, static_cast<std::size_t>(column - matrix.versions.begin()));
  }
  for (auto& [key, row] : rows) matrix.rows.push_back(std::move(row));
  return matrix;
}

std::string cell_mark(const CaseResult* cell) {
  if (!cell) return " ";
  if (cell->code == ResultCode::pass && !cell->first_difference.empty())
    return std::string(info(ResultCode::xfail).version_mark);
  return std::string(info(cell->code).version_mark);
}

const VersionRow* find_row(const VersionMatrix& matrix, const std::string& case_id, StartMethod method) {
  auto row = std::lower_bound(matrix.rows.begin(), matrix.rows.end(), std::pair{case_id, method},
                              [](const VersionRow& known, const std::pair<std::string, StartMethod>& key) {
                                return std::pair{known.case_id, known.method} < key;
                              });
  return row != matrix.rows.end() && row->case_id == case_id && row->method == method ? &*row : nullptr;
}

namespace {

// "3.12 ✗" for each cell `wanted` takes (a missing one's mark is " "), two spaces between.
template <class Wanted>
std::string marks_of(const VersionMatrix& matrix, const VersionRow& row, bool color, Wanted wanted) {
  std::string text;
  for (std::size_t column = 0; column < row.cells.size(); ++column) {
    const CaseResult* cell = row.cells[column];
    if (!wanted(cell)) continue;
    text += (text.empty() ? "" : "  ") + minor_version(matrix.versions[column]) + " " +
            (cell ? paint(cell->code, cell_mark(cell), color) : cell_mark(cell));
  }
  return text;
}

}  // namespace

std::string row_marks(const VersionMatrix& matrix, const VersionRow& row, bool color) {
  return marks_of(matrix, row, color, [](const CaseResult*) { return true; });  // missing ones too: columns align
}

std::string differing_marks(const VersionMatrix& matrix, const VersionRow& row, bool color) {
  const std::string holds(info(ResultCode::pass).version_mark);
  std::string text =
      marks_of(matrix, row, color, [&](const CaseResult* cell) { return cell && cell_mark(cell) != holds; });
  return text.empty() ? "all " + holds : text;
}

std::string holds_on_lines(const VersionMatrix& matrix, int width, bool color) {
  if (matrix.versions.empty()) return "";
  std::string text = fmt::format(
      "\nPython versions: does each case hold as on CPython {} (the reference)?\n"
      "  ✓ holds  ✗ differs  ~ differs as an override documents  ! differs from its own "
      "recording  - skipped  ? unresolved\n",
      matrix.versions[matrix.reference_column]);

  // Per case, the start methods whose cells read the same share a line.
  struct Line {
    std::string label;
    std::string marks;
    std::string difference;
  };
  std::vector<Line> lines;
  for (std::size_t first = 0; first < matrix.rows.size();) {
    std::size_t end = first;
    while (end < matrix.rows.size() && matrix.rows[end].case_id == matrix.rows[first].case_id) ++end;
    std::vector<std::pair<std::string, std::vector<StartMethod>>> groups;  // (line body, methods)
    std::vector<Line> bodies;
    for (std::size_t index = first; index < end; ++index) {
      const VersionRow& row = matrix.rows[index];
      Line line;
      line.marks = row_marks(matrix, row, color);
      for (std::size_t column = 0; column < row.cells.size() && line.difference.empty(); ++column) {
        std::string why = explanation(row.cells[column]);
        if (!why.empty()) line.difference = minor_version(matrix.versions[column]) + ": " + why;
      }
      const std::string plain = row_marks(matrix, row, false) + "\n" + line.difference;
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& known) { return known.first == plain; });
      if (group == groups.end()) {
        groups.push_back({plain, {row.method}});
        bodies.push_back(std::move(line));
      } else {
        group->second.push_back(row.method);
      }
    }
    for (std::size_t group = 0; group < groups.size(); ++group) {
      std::string methods;
      for (StartMethod method : groups[group].second)
        methods += (methods.empty() ? "" : ", ") + to_string(method);
      bodies[group].label = matrix.rows[first].case_id + " [" + methods + "]";
      lines.push_back(std::move(bodies[group]));
    }
    first = end;
  }

  // Measured without the marks' colour codes, which take no columns: "3.8 ✓" per version, two
  // spaces between. The labels get what the marks leave, at least 20 columns.
  std::size_t marks_width = 0;
  for (const std::string& version : matrix.versions)
    marks_width += (marks_width ? 2 : 0) + minor_version(version).size() + 2;
  std::size_t label_width = 0;
  for (const Line& line : lines) label_width = std::max(label_width, display_width(line.label));
  const int label_room = width - static_cast<int>(marks_width) - 4;
  label_width = std::min<std::size_t>(label_width, static_cast<std::size_t>(std::max(20, label_room)));
  for (const Line& line : lines) {
    std::string label = cut_to(line.label, label_width);
    std::string row = "  " + label + std::string(label_width - display_width(label) + 2, ' ') + line.marks;
    if (!line.difference.empty()) {
      const std::size_t taken = 2 + label_width + 2 + marks_width + 3;
      const std::size_t room = static_cast<std::size_t>(std::max(width, 0)) > taken + 10
                                   ? static_cast<std::size_t>(width) - taken
                                   : 10;
      row += "   " + cut_to(line.difference, room);
    }
    text += row + "\n";
  }
  return text;
}

nlohmann::ordered_json version_matrix_json(const VersionMatrix& matrix) {
  using json = nlohmann::ordered_json;
  json rows = json::array();
  for (const VersionRow& row : matrix.rows) {
    json cells = json::object();
    for (std::size_t column = 0; column < row.cells.size(); ++column) {
      const CaseResult* cell = row.cells[column];
      if (!cell) continue;
      cells[matrix.versions[column]] = {
          {"code", to_string(cell->code)},
          {"mark", cell_mark(cell)},
          {"first_difference", cell->first_difference},
          {"reasons", cell->reasons},
          {"override_reason", cell->override_reason},
          {"median_wall_s", cell->median_wall_s},
          {"diff", cell->diff},
      };
    }
    rows.push_back({{"case", row.case_id}, {"start_method", to_string(row.method)}, {"cells", cells}});
  }
  return {{"reference", matrix.versions.empty() ? "" : matrix.versions[matrix.reference_column]},
          {"versions", matrix.versions},
          {"matrix", rows}};
}

}  // namespace parity
