// The HTML page: its style, header and navigation, the summary and the conformance matrix; the
// other sections are in html_failures.cpp, html_versions.cpp, html_performance.cpp,
// html_history_sections.cpp.

#include "html_report.hpp"

#include <fmt/format.h>

#include "html_sections.hpp"
#include "reporter.hpp"
#include "svg_chart.hpp"

namespace parity {
namespace {

using json = nlohmann::json;

constexpr const char* style = R"css(
:root { --pass:#2b8a3e; --fail:#e03131; --xfail:#74b816; --xpass:#ae3ec9; --timeout:#f76707;
  --crash:#a61e4d; --unresolved:#7048e8; --skip:#adb5bd; --refchanged:#f59f00;
  --mp:#1971c2; --python:#e8590c; --floor:#495057; --ink:#1f2328; --muted:#59636e; --line:#d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
  color: var(--ink); background: #f3f5f7; }
header.page { background: #1f2937; color: #f8fafc; padding: 18px 32px 14px; }
header.page h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header.page .sub { color: #cbd5e1; font-size: 13px; }
header.page .status { display: inline-block; margin-top: 10px; padding: 4px 12px; border-radius: 14px; font-weight: 600; }
.status.ok { background: var(--pass); } .status.bad { background: var(--fail); }
nav.toc { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 32px; font-size: 13px; }
nav.toc a { margin-right: 16px; color: var(--ink); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .n { color: var(--muted); }
main { max-width: 1240px; margin: 0 auto; padding: 8px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 20px 18px; margin: 18px 0; }
section > h2 { margin: 0 0 10px; font-size: 18px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; }
table.data { width: 100%; font-size: 13px; }
table.data th, table.data td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
table.data th { font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 14px; margin: 8px 0 0; font-size: 13px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0; }
.chip { border-radius: 6px; padding: 3px 10px; color: #fff; font-weight: 600; font-size: 13px; }
.r-PASS { background: var(--pass); color: #fff; } .r-FAIL { background: var(--fail); color: #fff; }
.r-XFAIL { background: var(--xfail); color: #fff; } .r-XPASS { background: var(--xpass); color: #fff; }
.r-TIMEOUT { background: var(--timeout); color: #fff; } .r-CRASH { background: var(--crash); color: #fff; }
.r-UNRESOLVED { background: var(--unresolved); color: #fff; } .r-SKIP { background: var(--skip); color: #fff; }
.r-REFERENCE-CHANGED { background: var(--refchanged); color: #fff; }
.matrix-areas { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 4px 36px; align-items: start; }
table.matrix { font-size: 12px; margin-top: 6px; }
table.matrix th { font-weight: 600; padding: 3px 6px; color: var(--muted); }
table.matrix th.method { text-align: center; border-bottom: 1px solid var(--line); }
table.matrix th.area { text-align: left; color: var(--ink); font-size: 13px; }
table.matrix td.case { padding: 1px 12px 1px 4px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; white-space: nowrap; }
table.matrix td.cell { width: 54px; text-align: center; padding: 1px 0; border: 2px solid #fff; border-radius: 3px; font-weight: 600; font-size: 11px; }
table.matrix td.none { background: #f1f3f5; }
table.matrix td.gap { width: 10px; }
table.matrix tr:hover td.case { background: #f1f3f5; }
sup.override { font-weight: 700; }
ol.overrides { font-size: 13px; margin: 6px 0 0; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin: 6px 0; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 4px; }
.failure { border-left: 4px solid var(--fail); padding: 4px 0 4px 14px; margin: 16px 0 22px; }
.failure h3 { margin-top: 0; } .failure .code { border-radius: 4px; padding: 1px 7px; font-size: 12px; }
ul.reasons { margin: 4px 0; padding-left: 20px; }
table.side { width: 100%; table-layout: fixed; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; margin: 6px 0; }
table.side th { text-align: left; font-family: system-ui, sans-serif; color: var(--muted); padding: 2px 6px; }
table.side td { padding: 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; border-left: 1px solid #eaeef2; }
table.side tr.diff td { background: #fff1f0; } table.side tr.diff td.missing { background: #f8f9fa; }
table.side td.mark { width: 18px; color: var(--fail); font-weight: 700; border: none; }
pre { background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 6px; padding: 8px 10px; font-size: 12px;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
details > summary { cursor: pointer; color: var(--muted); font-size: 13px; margin: 4px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 14px; }
.card { border: 1px solid #e5e8eb; border-radius: 6px; padding: 8px 12px 10px; break-inside: avoid; }
.card h3 { margin: 2px 0 4px; font-size: 14px; } .card h3 .where { color: var(--muted); font-weight: 400; }
.ratios { font-size: 13px; margin-top: 2px; } .ratios b { font-variant-numeric: tabular-nums; }
.better { color: var(--pass); } .worse { color: var(--fail); }
svg.chart { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .grid { stroke: #e9ecef; stroke-width: 1; }
svg .tick, svg .axis-note { fill: var(--muted); } svg .row-label { fill: var(--ink); font-size: 12px; }
svg .line { fill: none; stroke-width: 1.8; }
svg .ci { stroke-width: 1.6; }
svg .change-point { stroke-dasharray: 4 3; stroke-width: 1.4; }
svg .change-label { font-size: 11px; font-weight: 600; }
svg .mp .point { fill: var(--mp); } svg .mp .line, svg .mp .ci, svg .mp .change-point { stroke: var(--mp); } svg .mp .change-label { fill: var(--mp); }
svg .python .point { fill: var(--python); } svg .python .line, svg .python .ci, svg .python .change-point { stroke: var(--python); } svg .python .change-label { fill: var(--python); }
svg .floor .point { fill: var(--floor); } svg .floor .line, svg .floor .ci, svg .floor .change-point { stroke: var(--floor); } svg .floor .change-label { fill: var(--floor); }
.sw-mp { background: var(--mp); } .sw-python { background: var(--python); } .sw-floor { background: var(--floor); }
tr.change td.delta.worse, tr.change td.delta.better { font-weight: 600; }
.hist { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
table.distribution { margin-top: 10px; } tr.diverges td { color: var(--fail); font-weight: 600; }
.bar-row { display: grid; grid-template-columns: 120px 1fr 40px; gap: 6px; align-items: center; font-size: 12px; }
.bar-row .label { font-family: ui-monospace, monospace; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar { height: 12px; border-radius: 2px; } .bar.mp { background: var(--mp); } .bar.python { background: var(--python); }
@media print {
  body { background: #fff; font-size: 11px; }
  nav.toc { display: none; }
  header.page { background: #fff; color: #000; border-bottom: 2px solid #000; }
  header.page .sub { color: #333; }
  section { border: none; padding: 0; break-inside: auto; }
  .card, .failure, tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string short_code(const std::string& code) {
  if (code == "PASS") return "pass";
  if (code == "XFAIL") return "xfail";
  if (code == "SKIP") return "skip";
  if (code == "TIMEOUT") return "TIME";
  if (code == "UNRESOLVED") return "UNRES";
  if (code == "REFERENCE-CHANGED") return "REF";
  return code;
}

std::string join_loads(const json& loads) {
  if (!loads.is_array()) return "";
  std::string text;
  for (const json& load : loads) text += (text.empty() ? "" : " ") + fmt::format("{:.2f}", load.get<double>());
  return text;
}

}  // namespace

namespace html {

void summary(std::ostream& out, const ReportModel& model) {
  const json& report = model.report();
  const json& metadata = report.contains("metadata") ? report["metadata"] : json::object();
  const json& python = report.contains("python") ? report["python"] : json::object();
  out << R"(<section id="summary"><h2>Summary</h2><div class="chips">)";
  for (const auto& [code, count] : object_at(report, "counts").items())
    out << fmt::format(R"(<span class="chip r-{0}" data-count="{1}">{1} {0}</span>)", html_escape(code),
                       count.get<int>());
  out << "</div><dl class=\"meta\">";
  auto item = [&](const std::string& name, const std::string& value) {
    out << "<dt>" << html_escape(name) << "</dt><dd>" << html_escape(value) << "</dd>";
  };
  item("commit", model.commit_label());
  item("started", report.value("started_at", std::string()));
  item("elapsed", format_seconds(report.value("elapsed_s", 0.0)));
  item("CPython", python.value("version", std::string()) + " (" + python.value("executable", std::string()) + ")");
  item("host", metadata.value("host", std::string()));
  item("CPU", metadata.value("cpu_model", std::string()) + ", " + std::to_string(metadata.value("cores", 0)) + " cores");
  item("kernel", metadata.value("kernel", std::string()));
  item("build", metadata.value("build_type", std::string()) + ", " + metadata.value("compiler", std::string()) +
                    ", parity " + metadata.value("parity_version", std::string()));
  const json& shard = report.value("shard", json::object());
  item("run", fmt::format("-j {}, --repeat {}, shard {}/{}", report.value("jobs", 1), report.value("repeat", 1),
                          shard.value("index", 1), shard.value("count", 1)));
  item("load (start / end)", join_loads(metadata.value("load_at_start", json())) + " / " +
                                 join_loads(metadata.value("load_at_end", json())));
  for (const auto& [side, floor] : object_at(report, "startup_floor").items())
    item("start-up floor " + std::string(side == "cpp" ? "mp" : "CPython"),
         format_seconds(floor.value("median_s", 0.0)));
  out << "</dl></section>\n";
}

void conformance_matrix(std::ostream& out, const ReportModel& model) {
  out << R"(<section id="matrix"><h2>Conformance matrix</h2>)"
      << R"(<p class="muted">Each case under each start method: CPython (py) and mp (mp). Hover a cell for its reasons; )"
      << R"(<sup class="override">n</sup> marks an expectation override, listed below the matrix.</p>)";
  out << "<div class=\"legend\">";
  for (const char* code : {"PASS", "FAIL", "XFAIL", "XPASS", "TIMEOUT", "CRASH", "UNRESOLVED", "SKIP", "REFERENCE-CHANGED"})
    out << fmt::format(R"(<span><span class="swatch r-{0}"></span>{0}</span>)", code);
  out << "</div><div class=\"matrix-areas\">";
  std::vector<std::string> overrides;
  std::string area;
  auto open_area = [&](const std::string& name) {
    out << "<table class=\"matrix\"><thead><tr><th class=\"area\">" << html_escape(name) << "</th>";
    for (const std::string& method : model.methods())
      out << "<th class=\"gap\"></th><th class=\"method\" colspan=\"2\">" << method << "</th>";
    out << "</tr><tr><th></th>";
    for (std::size_t i = 0; i < model.methods().size(); ++i) out << "<th></th><th>py</th><th>mp</th>";
    out << "</tr></thead><tbody>";
  };
  for (const std::string& case_id : model.cases()) {
    std::size_t slash = case_id.find('/');
    std::string case_area = slash == std::string::npos ? "" : case_id.substr(0, slash);
    if (case_area != area || case_id == model.cases().front()) {
      if (case_id != model.cases().front()) out << "</tbody></table>";
      area = case_area;
      open_area(area);
    }
    out << "<tr><td class=\"case\">" << html_escape(slash == std::string::npos ? case_id : case_id.substr(slash + 1))
        << "</td>";
    for (const std::string& method : model.methods()) {
      out << "<td class=\"gap\"></td>";
      for (const char* impl : {"python", "cpp"}) {
        const json* result = model.find(case_id, method, impl);
        if (!result) {
          out << "<td class=\"cell none\"></td>";
          continue;
        }
        std::string code = result->value("result", std::string());
        std::string tooltip = case_id + " [" + method + "] " + (std::string(impl) == "cpp" ? "mp" : "CPython") + ": " + code;
        for (const json& reason : result->value("reasons", json::array()))
          tooltip += "\n" + reason.get<std::string>().substr(0, 300);
        std::string mark;
        std::string override_reason = result->value("override_reason", std::string());
        if (!override_reason.empty()) {
          overrides.push_back(case_id + " [" + method + "] " + (std::string(impl) == "cpp" ? "mp" : "CPython") +
                              ": " + override_reason);
          mark = fmt::format(R"(<sup class="override">{}</sup>)", overrides.size());
          tooltip += "\noverride: " + override_reason;
        }
        out << fmt::format(
            R"(<td class="cell r-{0}" data-case="{1}" data-method="{2}" data-impl="{3}" data-result="{0}" title="{4}">{5}{6}</td>)",
            html_escape(code), html_escape(case_id), method, impl, html_escape(tooltip),
            html_escape(short_code(code)), mark);
      }
    }
    out << "</tr>\n";
  }
  if (!model.cases().empty()) out << "</tbody></table>";
  out << "</div>";
  if (!overrides.empty()) {
    out << "<h3>Expectation overrides</h3><ol class=\"overrides\">";
    for (const std::string& text : overrides) out << "<li>" << html_escape(text) << "</li>";
    out << "</ol>";
  }
  out << "</section>\n";
}

}  // namespace html

void render_html_report(std::ostream& out, const ReportInput& input) {
  ReportModel model(*input.results);
  const json& report = model.report();
  const bool success = report.value("success", false);
  int failures = 0;
  for (const json& result : model.results())
    if (!result.value("success", false)) ++failures;
  std::string date = report.value("started_at", std::string()).substr(0, 10);
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>parity nightly " << html_escape(date) << " — " << html_escape(model.commit_label()) << "</title>"
      << "<style>" << style << "</style></head><body>\n";
  out << "<header class=\"page\"><h1>parity nightly report — " << html_escape(date) << "</h1>"
      << "<div class=\"sub\">multiprocessing conformance and performance: CPython " << html_escape(report.value("python", json::object()).value("version", std::string()))
      << " vs mp · commit " << html_escape(model.commit_label()) << " · " << model.results().size()
      << " results · " << html_escape(report.value("metadata", json::object()).value("host", std::string())) << "</div>"
      << "<div class=\"status " << (success ? "ok\">every result as expected" : "bad\">" + std::to_string(failures) +
                                                                                  (failures == 1 ? " failure" : " failures"))
      << "</div></header>\n";
  out << "<nav class=\"toc\"><a href=\"#changes\">What changed</a><a href=\"#summary\">Summary</a>"
      << "<a href=\"#matrix\">Matrix</a>"
      << (report.contains("python_versions") ? "<a href=\"#versions\">Python versions</a>" : "")
      << "<a href=\"#failures\">Failures <span class=\"n\">" << failures << "</span></a>"
      << "<a href=\"#performance\">Performance</a><a href=\"#trends\">Trends</a><a href=\"#racy\">Racy cases</a>"
      << "<a href=\"#flaky\">Flaky history</a></nav>\n<main>\n";
  html::what_changed(out, input.history);
  html::summary(out, model);
  html::conformance_matrix(out, model);
  html::python_versions(out, model);
  html::failures(out, model);
  html::performance(out, model);
  html::trends(out, input.history);
  html::racy_cases(out, model);
  html::flaky_history(out, input.history);
  out << "<footer class=\"muted\" style=\"text-align:center;font-size:12px\">parity report · "
      << html_escape(report.value("started_at", std::string())) << "</footer></main></body></html>\n";
}

}  // namespace parity
