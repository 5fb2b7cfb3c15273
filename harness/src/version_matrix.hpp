#pragma once
// The version axis read as a matrix (run --python-versions): one row per case x start method, one
// column per CPython version, the reference interpreter's among them; each cell is the python
// side's result under that version. Built once from a run's results; the console's "holds on"
// lines and results.json's "python_versions" section are renderings of it (the HTML report reads
// that section back).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "reporter.hpp"

namespace parity {

struct VersionRow {
  std::string case_id;
  StartMethod method = StartMethod::fork;
  std::vector<const CaseResult*> cells;  // parallel to VersionMatrix::versions; null: no result
};

struct VersionMatrix {
  std::vector<std::string> versions;  // "3.8.18", ..., sorted by version
  std::size_t reference_column = 0;   // the reference interpreter's column
  std::vector<VersionRow> rows;       // by case id, then start method
};

// The matrix of a run: the reference interpreter's python results and the axis's
// (RunSummary::version_results). Empty (no versions) when the run had no axis.
VersionMatrix version_matrix(const RunSummary& summary, const RunContext& context);

// A cell's mark: the result code's version_mark (result_code.hpp), except that a PASS which
// differs from the reference interpreter as an override documents (first_difference set) is "~";
// " " for no result. The reference column's own mark is its code's.
std::string cell_mark(const CaseResult* cell);

// The row of case_id x method; null when the matrix has none.
const VersionRow* find_row(const VersionMatrix& matrix, const std::string& case_id, StartMethod method);

// A row's marks, one per version it has a result for: "3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗", each mark
// painted in its code's colour with `color`.
std::string row_marks(const VersionMatrix& matrix, const VersionRow& row, bool color);

// Only the versions of a row that do not hold ("3.12 ✗  3.13 ~"), "all ✓" when every one holds:
// the summary table's column and JUnit's property.
std::string differing_marks(const VersionMatrix& matrix, const VersionRow& row, bool color);

// The console's section: a legend, then per case one line of marks, start methods whose marks and
// first difference read the same folded into one line, and where a version differs the first
// differing version's first difference:
//   queues/x [fork, spawn]   3.8 ✓  3.9 ✓  3.10 ✓  3.11 ✓  3.12 ✗  3.13 ✗   3.12: -a | +b
// fitted to width (the difference is cut with "~"). Empty without versions.
std::string holds_on_lines(const VersionMatrix& matrix, int width, bool color);

// results.json's "python_versions": {"reference", "versions", "matrix": [{"case",
// "start_method", "cells": {version: {"code", "mark", "first_difference", "reasons",
// "override_reason", "median_wall_s", "diff"}}}]} (docs/report-schema.md).
nlohmann::ordered_json version_matrix_json(const VersionMatrix& matrix);

}  // namespace parity
