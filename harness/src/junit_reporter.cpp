// JunitReporter: JUnit XML as CI systems read it (testsuites > testsuite per area > testcase).

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "reporter.hpp"

namespace parity {
namespace {

// Escapes for attribute and text content; drops characters XML 1.0 cannot carry.
std::string xml_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          escaped += fmt::format("\\x{:02x}", c);
        } else {
          escaped += static_cast<char>(c);
        }
    }
  }
  return escaped;
}

const char* element_name(JunitElement element) {
  switch (element) {
    case JunitElement::none: return "";
    case JunitElement::failure: return "failure";
    case JunitElement::error: return "error";
    case JunitElement::skipped: return "skipped";
  }
  return "";
}

double total_wall(const CaseResult& result) {
  double total = 0;
  for (const auto& run : result.runs) total += run.record.wall_s;
  return total;
}

std::string details(const CaseResult& result) {
  std::string text;
  for (const auto& reason : result.reasons) text += reason + "\n";
  if (!result.override_reason.empty()) text += "documented divergence: " + result.override_reason + "\n";
  if (!result.diff.empty()) text += "\n" + result.diff;
  if (!result.runs.empty() && !result.runs.front().record.stacks.empty())
    text += "\nstacks at the timeout:\n" + result.runs.front().record.stacks;
  return text;
}

// <properties> of a benchmark result: each @sample metric's summary and, on cpp results, each
// operation's ratios to CPython and to the floor with their 95% CIs (empty without samples).
std::string properties_xml(const CaseResult& result) {
  std::string xml;
  auto property = [&](const std::string& name, const std::string& value) {
    xml += fmt::format("        <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
  };
  auto number = [](double value) { return fmt::format("{:.6g}", value); };
  for (const auto& [name, summary] : result.sample_summaries) {
    auto unit = result.sample_units.find(name);
    const std::string prefix = "sample." + name + ".";
    property(prefix + "unit", unit == result.sample_units.end() ? "" : unit->second);
    property(prefix + "n", std::to_string(summary.n));
    property(prefix + "median", number(summary.median));
    property(prefix + "median_ci_low", number(summary.median_ci.low));
    property(prefix + "median_ci_high", number(summary.median_ci.high));
    property(prefix + "iqr", number(summary.iqr()));
    property(prefix + "mad", number(summary.mad));
  }
  for (const auto& [name, ratios] : result.operation_ratios) {
    for (auto [which, ratio] : {std::pair{"to_python", &ratios.to_python}, std::pair{"to_floor", &ratios.to_floor}}) {
      if (!*ratio) continue;
      const std::string prefix = "ratio." + name + "." + which;
      property(prefix, number((*ratio)->ratio));
      property(prefix + "_ci_low", number((*ratio)->low));
      property(prefix + "_ci_high", number((*ratio)->high));
    }
  }
  return xml.empty() ? xml : "      <properties>\n" + xml + "      </properties>\n";
}

std::string testcase_xml(const CaseResult& result) {
  std::string name = result.case_id.substr(result.case_id.find('/') + 1);
  std::string classname = result.case_id;  // "queues/join" -> "queues.join": CI tools group on dots
  std::replace(classname.begin(), classname.end(), '/', '.');
  std::string xml = fmt::format(
      "    <testcase classname=\"{}\" name=\"{} [{}] {}\" time=\"{:.3f}\"",
      xml_escape(classname), xml_escape(name), to_string(result.start_method),
      to_string(result.impl), total_wall(result));
  std::string first_reason = result.reasons.empty() ? to_string(result.code) : result.reasons.front();
  std::string message = to_string(result.code) + ": " + first_reason;
  std::string body = properties_xml(result);
  const JunitElement element = info(result.code).junit;
  switch (element) {
    case JunitElement::none:
      break;
    case JunitElement::skipped:
      body += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(message));
      break;
    case JunitElement::error:
    case JunitElement::failure:
      body += fmt::format("      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n", element_name(element),
                          xml_escape(message), to_string(result.code), xml_escape(details(result)));
      break;
  }
  return body.empty() ? xml + "/>\n" : xml + ">\n" + body + "    </testcase>\n";
}

}  // namespace

void JunitReporter::finalize(const RunSummary& summary) {
  write(path(), [&](std::ostream& out) { render(out, summary); });
}

void JunitReporter::render(std::ostream& out, const RunSummary& summary) const {
  struct Suite {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    std::string body;
  };
  std::map<std::string, Suite> suites;
  Suite all;
  for (const auto& result : summary.results) {
    Suite& suite = suites[result.case_id.substr(0, result.case_id.find('/'))];
    for (Suite* counted : {&suite, &all}) {
      ++counted->tests;
      counted->time += total_wall(result);
      switch (info(result.code).junit) {
        case JunitElement::failure: ++counted->failures; break;
        case JunitElement::error: ++counted->errors; break;
        case JunitElement::skipped: ++counted->skipped; break;
        case JunitElement::none: break;
      }
    }
    suite.body += testcase_xml(result);
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuites name=\"parity\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      all.tests, all.failures, all.errors, all.skipped, summary.elapsed_s);
  for (const auto& [area, suite] : suites) {
    xml += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{:.3f}\">\n",
        xml_escape(area), suite.tests, suite.failures, suite.errors, suite.skipped, suite.time);
    xml += suite.body;
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  out << xml;
}

}  // namespace parity
