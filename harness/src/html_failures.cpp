// The failures section of the HTML report: each failing result with its reasons, both sides'
// outputs side by side (differing lines marked), its stderr tail, the commands that rerun both
// sides, and the stacks of a hang.

#include <fmt/format.h>

#include <algorithm>

#include "html_sections.hpp"
#include "report_text.hpp"
#include "svg_chart.hpp"

namespace parity::html {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_side_rows = 300;

std::string side_name(const std::string& impl) { return impl == "cpp" ? "mp" : "CPython"; }

void side_by_side(std::ostream& out, const json* python_run, const json* cpp_run, const std::string& method) {
  auto rows = align_lines(run_lines(python_run), run_lines(cpp_run));
  int differing = 0;
  for (const AlignedRow& row : rows) differing += row.differs() ? 1 : 0;
  out << fmt::format(
      R"(<table class="side" data-differing="{}"><colgroup><col style="width:18px"><col><col></colgroup><tr><th></th><th>CPython [{}]: normalized stdout</th><th>mp [{}]</th></tr>)",
      differing, method, method);
  for (std::size_t i = 0; i < rows.size() && i < max_side_rows; ++i) {
    const AlignedRow& row = rows[i];
    out << (row.differs() ? "<tr class=\"diff\"><td class=\"mark\">!</td>" : "<tr><td class=\"mark\"></td>");
    out << "<td" << (row.has_left ? "" : " class=\"missing\"") << ">" << html_escape(valid_utf8(row.left)) << "</td>";
    out << "<td" << (row.has_right ? "" : " class=\"missing\"") << ">" << html_escape(valid_utf8(row.right))
        << "</td></tr>";
  }
  out << "</table>";
  if (rows.size() > max_side_rows)
    out << "<p class=\"muted\">… " << rows.size() - max_side_rows << " more lines (results.json has all)</p>";
  if (rows.empty()) out << "<p class=\"empty\">Neither side printed anything.</p>";
}

void one_failure(std::ostream& out, const ReportModel& model, const json& result) {
  const std::string case_id = result.value("case", std::string());
  const std::string method = result.value("start_method", std::string());
  const std::string impl = result.value("impl", std::string());
  const std::string code = result.value("result", std::string());
  const json* run = shown_run(result);
  const json* other = model.find(case_id, method, impl == "cpp" ? "python" : "cpp");
  const json* other_run = other ? shown_run(*other) : nullptr;
  out << fmt::format(
      R"(<div class="failure" data-case="{0}" data-method="{1}" data-impl="{2}" data-results="1"><h3><span class="code r-{3}">{3}</span> {0} <span class="muted">[{1}] {4}</span></h3>)",
      html_escape(case_id), method, impl, html_escape(code), side_name(impl));
  out << "<ul class=\"reasons\">";
  for (const json& reason : result.value("reasons", json::array()))
    out << "<li>" << html_escape(valid_utf8(reason.get<std::string>())) << "</li>";
  std::string expected = result.value("expected_outcome", std::string());
  if (!expected.empty()) out << "<li class=\"muted\">expected outcome: " << html_escape(expected) << "</li>";
  if (!result.value("override_reason", std::string()).empty())
    out << "<li class=\"muted\">override: " << html_escape(result.value("override_reason", std::string())) << "</li>";
  out << "</ul>";
  if (run || other_run) {
    const json* python_run = impl == "python" ? run : other_run;
    const json* cpp_run = impl == "cpp" ? run : other_run;
    side_by_side(out, python_run, cpp_run, method);
  }
  std::string diff = result.value("diff", std::string());
  if (!diff.empty())
    out << "<details" << (run && other_run ? "" : " open") << "><summary>unified diff ("
        << (impl == "cpp" ? "CPython → mp" : "recorded reference → CPython") << ")</summary><pre>"
        << html_escape(valid_utf8(diff)) << "</pre></details>";
  if (run) {
    TextTail tail = tail_of(run->value("stderr", std::string()), stderr_tail_lines);
    if (!tail.text.empty())
      out << "<h4>" << side_name(impl) << " stderr" << (tail.omitted ? fmt::format(" (last {} lines)", stderr_tail_lines) : "")
          << "</h4><pre>" << html_escape(valid_utf8(tail.text)) << "</pre>";
    std::string stacks = run->value("stacks", std::string());
    if (!stacks.empty())
      out << "<details open><summary>stacks of the hung process tree</summary><pre>"
          << html_escape(valid_utf8(stacks)) << "</pre></details>";
    std::string launch_error = run->value("launch_error", std::string());
    if (!launch_error.empty()) out << "<p>could not start: " << html_escape(launch_error) << "</p>";
  }
  out << "<details><summary>rerun by hand</summary><pre>";
  if (run) out << "# " << side_name(impl) << "\n" << html_escape(valid_utf8(rerun_command(*run))) << "\n";
  if (other_run)
    out << "# " << side_name(impl == "cpp" ? "python" : "cpp") << "\n"
        << html_escape(valid_utf8(rerun_command(*other_run))) << "\n";
  out << "# both, side by side\nparity show " << html_escape(case_id) << " --start-method " << method << "</pre></details>";
  out << "</div>\n";
}

// Results that never ran (UNRESOLVED before launch, SKIP) of one case with one code and the same
// reasons, under every start method and on both sides, are one entry: the loader's error once.
struct NeverRan {
  std::string case_id, code;
  std::vector<std::string> reasons;
  std::vector<std::string> where;  // "fork CPython", ...
};

void never_ran(std::ostream& out, const NeverRan& entry) {
  std::string where;
  for (const std::string& item : entry.where) where += (where.empty() ? "" : ", ") + item;
  out << fmt::format(
      R"(<div class="failure" data-case="{0}" data-results="{1}"><h3><span class="code r-{2}">{2}</span> {0} <span class="muted">{3}</span></h3><ul class="reasons">)",
      html_escape(entry.case_id), entry.where.size(), html_escape(entry.code), html_escape(where));
  for (const std::string& reason : entry.reasons) out << "<li>" << html_escape(valid_utf8(reason)) << "</li>";
  out << "</ul><p class=\"muted\">Never ran: nothing to compare.</p></div>\n";
}

}  // namespace

void failures(std::ostream& out, const ReportModel& model) {
  out << R"(<section id="failures"><h2>Failures</h2>)";
  int count = 0;
  std::vector<NeverRan> grouped;
  for (const json& result : model.results()) {
    if (result.value("success", true)) continue;
    ++count;
    if (!shown_run(result)) {
      NeverRan entry{result.value("case", std::string()), result.value("result", std::string()),
                     result.value("reasons", std::vector<std::string>()), {}};
      std::string where = result.value("start_method", std::string()) + " " + side_name(result.value("impl", std::string()));
      auto same = std::find_if(grouped.begin(), grouped.end(), [&](const NeverRan& other) {
        return other.case_id == entry.case_id && other.code == entry.code && other.reasons == entry.reasons;
      });
      if (same == grouped.end()) {
        entry.where.push_back(where);
        grouped.push_back(std::move(entry));
      } else {
        same->where.push_back(where);
      }
      continue;
    }
    one_failure(out, model, result);
  }
  for (const NeverRan& entry : grouped) never_ran(out, entry);
  if (count == 0) out << "<p class=\"empty\">None: every result is PASS, XFAIL or SKIP.</p>";
  out << "</section>\n";
}

}  // namespace parity::html
