// The nightly report as GitHub-flavoured Markdown, for a CI job summary: the summary, the
// failures and the change list (html_report.hpp).

#include <fmt/format.h>

#include "html_report.hpp"
#include "report_model.hpp"
#include "report_text.hpp"
#include "reporter.hpp"

namespace parity {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_diff_lines = 60;

// Markdown table cells: no pipes or newlines.
std::string cell(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string first_lines(const std::string& text, std::size_t lines) {
  std::string out;
  std::size_t count = 0, start = 0;
  while (start < text.size() && count < lines) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += text.substr(start, end - start) + "\n";
    start = end + 1;
    ++count;
  }
  if (start < text.size()) out += "... (results.json has the rest)\n";
  return out;
}

}  // namespace

void render_markdown_report(std::ostream& out, const ReportInput& input) {
  ReportModel model(*input.results);
  const json& report = model.report();
  const json& metadata = report.value("metadata", json::object());
  bool success = report.value("success", false);
  out << "## parity nightly " << report.value("started_at", std::string()).substr(0, 10) << ": "
      << (success ? "every result as expected" : "failures") << "\n\n";
  out << fmt::format("Commit `{}` · CPython {} vs mp · {} · {} results in {}\n\n", model.commit_label(),
                     report.value("python", json::object()).value("version", std::string()),
                     metadata.value("host", std::string()), model.results().size(),
                     format_seconds(report.value("elapsed_s", 0.0)));
  out << "| result | count |\n| --- | ---: |\n";
  for (const auto& [code, count] : object_at(report, "counts").items())
    out << "| " << code << " | " << count.get<int>() << " |\n";

  out << "\n### Failures\n\n";
  int failures = 0;
  for (const json& result : model.results()) {
    if (result.value("success", true)) continue;
    ++failures;
    std::string impl = result.value("impl", std::string());
    out << fmt::format("- **{}** `{}` [{}] {}", result.value("result", std::string()),
                       result.value("case", std::string()), result.value("start_method", std::string()),
                       impl == "cpp" ? "mp" : "CPython");
    for (const json& reason : result.value("reasons", json::array()))
      out << "\n  - " << cell(valid_utf8(reason.get<std::string>()).substr(0, 400));
    std::string diff = result.value("diff", std::string());
    if (!diff.empty())
      out << "\n  <details><summary>diff</summary>\n\n  ```diff\n" << valid_utf8(first_lines(diff, max_diff_lines))
          << "  ```\n  </details>";
    out << "\n";
  }
  if (failures == 0) out << "None: every result is PASS, XFAIL or SKIP.\n";

  out << "\n### What changed\n\n";
  if (!input.history) {
    out << "No history given (`parity report --history`).\n";
    return;
  }
  const HistoryView& history = *input.history;
  if (history.recent_changes.empty()) {
    out << "No change point in the last " << history.options.recent_runs << " of " << history.runs.size()
        << " runs.\n";
  } else {
    out << "| operation | case [method] | series | change | before | after | commits |\n"
           "| --- | --- | --- | ---: | ---: | ---: | --- |\n";
    for (const TrendChange& change : history.recent_changes)
      out << fmt::format("| {} | {} [{}] | {} | {} | {} | {} | `{}` → `{}` |\n", cell(change.operation),
                         cell(change.case_id), change.start_method, change.line,
                         percent_change(change.point.relative_change),
                         format_measure(change.point.before_median, change.unit),
                         format_measure(change.point.after_median, change.unit),
                         short_commit(change.before.git_commit), short_commit(change.after.git_commit));
  }
  if (!history.flaky.empty())
    out << "\n" << history.flaky.size() << " case(s) flaked on one commit in the history (see the HTML report).\n";
}

}  // namespace parity
