#pragma once
// The nightly report (`parity report`): one run's results.json, and optionally the history's
// trends, as
// - one self-contained HTML page: inline CSS and inline SVG, no script, no fetch of any kind, so it
//   opens from file:// and prints. Sections: what changed, summary with the conformance matrix,
//   failures side by side, performance, trends, racy cases, flaky history (docs/history.md,
//   "The report");
// - Markdown for a CI job summary: the summary, the failures and the change list.
// Renderers write into a stream and read nothing but their input, so they are tested without a
// disk. The page's structure is part of the contract the browser test checks (scripts/report-test):
// matrix cells carry data-case, data-method, data-impl, data-result; chart data points are SVG
// elements of class "point"; each listed change point is a row of class "change".

#include <nlohmann/json.hpp>

#include <ostream>

#include "trends.hpp"

namespace parity {

struct ReportInput {
  const nlohmann::json* results = nullptr;  // a parity-report/1 document (docs/report-schema.md)
  const HistoryView* history = nullptr;     // null: no trend, change or flaky sections
};

// Throws std::runtime_error when results is not a parity report.
void render_html_report(std::ostream& out, const ReportInput& input);
void render_markdown_report(std::ostream& out, const ReportInput& input);

}  // namespace parity
