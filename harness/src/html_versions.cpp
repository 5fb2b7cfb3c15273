// The HTML report's version matrix (run --python-versions): results.json's "python_versions" read
// back, one row per case x start method, one column per CPython version.

#include <fmt/format.h>

#include "html_sections.hpp"
#include "python_versions.hpp"
#include "svg_chart.hpp"

namespace parity::html {

using json = nlohmann::json;

void python_versions(std::ostream& out, const ReportModel& model) {
  const json& report = model.report();
  if (!report.contains("python_versions")) return;
  const json& axis = report["python_versions"];
  const std::string reference = axis.value("reference", std::string());
  std::vector<std::string> versions = axis.value("versions", std::vector<std::string>{});
  out << R"(<section id="versions"><h2>Python versions</h2>)"
      << "<p class=\"muted\">The python side of each case under each CPython, against CPython "
      << html_escape(reference)
      << " (the reference): ✓ holds, ✗ differs, ~ differs as an override documents, ! differs from "
         "that version's own recording, - skipped, ? unresolved. Hover a cell for where it differs.</p>";
  out << "<table class=\"matrix versions\"><thead><tr><th></th>";
  for (const std::string& version : versions)
    out << "<th class=\"method\">" << html_escape(minor_version(version))
        << (version == reference ? "*" : "") << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const json& row : axis.value("matrix", json::array())) {
    const std::string label = row.value("case", std::string()) + " [" + row.value("start_method", std::string()) + "]";
    out << "<tr><td class=\"case\">" << html_escape(label) << "</td>";
    const json& cells = row.value("cells", json::object());
    for (const std::string& version : versions) {
      if (!cells.contains(version)) {
        out << "<td class=\"cell none\"></td>";
        continue;
      }
      const json& cell = cells[version];
      const std::string code = cell.value("code", std::string());
      std::string tooltip = label + " on CPython " + version + ": " + code;
      if (const std::string where = cell.value("first_difference", std::string()); !where.empty())
        tooltip += "\n" + where.substr(0, 300);
      if (const std::string why = cell.value("override_reason", std::string()); !why.empty())
        tooltip += "\noverride: " + why;
      out << fmt::format(R"(<td class="cell r-{0}" data-version="{1}" data-result="{0}" title="{2}">{3}</td>)",
                         html_escape(code), html_escape(version), html_escape(tooltip),
                         html_escape(cell.value("mark", std::string())));
    }
    out << "</tr>\n";
  }
  out << "</tbody></table><p class=\"muted\">* the reference interpreter</p></section>\n";
}

}  // namespace parity::html
