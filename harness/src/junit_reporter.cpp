// JunitReporter: JUnit XML as CI systems read it (testsuites > testsuite per area > testcase).

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "report_text.hpp"
#include "reporter.hpp"
#include "version_matrix.hpp"

namespace parity {
namespace {

// Escapes for attribute and text content. XML 1.0 carries neither invalid UTF-8 (replaced by
// U+FFFD) nor control characters other than tab, newline and carriage return (written as \xNN).
std::string xml_escape(const std::string& raw) {
  const std::string text = valid_utf8(raw);
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
  if (const NormalizedRun* run = shown_run(result)) {
    text += "\nrerun: " + rerun_command(run->record) + "\n";
    if (!run->record.stacks.empty()) text += "\nstacks at the timeout:\n" + run->record.stacks;
  }
  return text;
}

std::string property_xml(const std::string& name, const std::string& value, const char* indent) {
  return fmt::format("{}<property name=\"{}\" value=\"{}\"/>\n", indent, xml_escape(name),
                     xml_escape(value));
}

// <properties> of a testsuite: what the run ran on and how (the JSON report's metadata).
std::string run_properties_xml(const RunContext& run) {
  const RunMetadata& metadata = run.metadata;
  std::vector<std::pair<std::string, std::string>> properties = {
      {"parity.command", run.command},
      {"parity.version", metadata.build.parity_version},
      {"parity.build_type", metadata.build.build_type},
      {"parity.compiler", metadata.build.compiler},
      {"git.commit", metadata.source.commit},
      {"git.dirty", !metadata.source.dirty ? "" : *metadata.source.dirty ? "true" : "false"},
      {"python.command", run.python},
      {"python.executable", run.python_executable},
      {"python.version", run.python_version},
      {"jobs", std::to_string(run.jobs)},
      {"repeat", std::to_string(run.repeat)},
      {"shard", fmt::format("{}/{}", run.shard_index, run.shard_count)},
      {"timeout_multiplier", fmt::format("{:g}", run.timeout_multiplier)},
      {"machine.cpu_model", metadata.cpu_model},
      {"machine.cores", std::to_string(metadata.cores)},
      {"machine.kernel", metadata.kernel},
      {"machine.load_at_start", fmt::format("{:.2f} {:.2f} {:.2f}", metadata.load_at_start[0],
                                            metadata.load_at_start[1], metadata.load_at_start[2])},
  };
  std::string xml = "    <properties>\n";
  for (const auto& [name, value] : properties) xml += property_xml(name, value, "      ");
  return xml + "    </properties>\n";
}

// A failing testcase's <system-out> (its shown run's stdout, the last lines) and <system-err>
// (the stderr tail of both sides, this one first, and how to rerun each).
std::string captured_output_xml(const CaseResult& result, const CaseResult* other_side) {
  constexpr std::size_t stdout_tail_lines = 200;
  const NormalizedRun* run = shown_run(result);
  std::string out, err;
  if (run) {
    TextTail tail = tail_of(run->record.stdout_text, stdout_tail_lines);
    if (tail.omitted > 0) out = fmt::format("[{} earlier lines not shown]\n", tail.omitted);
    out += tail.text;
  }
  for (const CaseResult* side : {&result, other_side}) {
    const NormalizedRun* side_run = side ? shown_run(*side) : nullptr;
    if (!side_run) continue;
    TextTail tail = tail_of(side_run->record.stderr_text, stderr_tail_lines);
    err += fmt::format("== {} stderr{}\n", side_name(*side),
                       tail.text.empty()  ? ": (empty)"
                       : tail.omitted > 0 ? fmt::format(" (last {} lines of {})", stderr_tail_lines,
                                                        stderr_tail_lines + tail.omitted)
                                          : std::string());
    err += tail.text;
    err += "rerun " + side_name(*side) + ": " + rerun_command(side_run->record) + "\n";
  }
  std::string xml;
  if (!out.empty()) xml += "      <system-out>" + xml_escape(out) + "</system-out>\n";
  if (!err.empty()) xml += "      <system-err>" + xml_escape(err) + "</system-err>\n";
  return xml;
}

// <properties> of a testcase: its result code, expected outcome, runs, median wall time, ratio to
// CPython and override reason when there are any; on a racy cpp result, each variable's comparison
// with python's runs (distribution.NAME: the verdict's words and both histograms, and its p_value),
// passing or not; for a benchmark result each @sample metric's
// summary and, on cpp results, each operation's ratios to CPython and to the floor with their 95%
// CIs. With a version axis: on an axis result its python.version and first_difference (where it
// departs from the reference interpreter); on the reference interpreter's python result,
// python_versions, the marks of every version (version_matrix.hpp's row_marks).
std::string properties_xml(const CaseResult& result, const std::string& version_marks) {
  std::string xml;
  auto property = [&](const std::string& name, const std::string& value) {
    xml += property_xml(name, value, "        ");
  };
  auto number = [](double value) { return fmt::format("{:.6g}", value); };
  property("result", to_string(result.code));
  if (!result.expected_outcome.empty()) property("expected_outcome", result.expected_outcome);
  property("runs", std::to_string(result.runs.size()));
  if (!result.runs.empty()) property("median_wall_s", number(result.median_wall_s));
  if (result.ratio_to_python) property("ratio_to_python", number(*result.ratio_to_python));
  if (!result.override_reason.empty()) property("override_reason", result.override_reason);
  if (!result.python_version.empty()) property("python.version", result.python_version);
  if (!result.first_difference.empty()) property("first_difference", result.first_difference);
  if (!version_marks.empty()) property("python_versions", version_marks);
  for (const VariableComparison& comparison : result.distributions) {
    const std::string prefix = "distribution." + comparison.name;
    property(prefix, describe(comparison) + "; " + histograms_text(comparison));
    property(prefix + ".p_value", number(comparison.p_value));
  }
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

// One testcase per case x start method x side: "join [fork] cpp", and with a version axis
// "join [fork] python 3.12.1" per other CPython, so CI lists, counts and fails each version.
std::string testcase_xml(const CaseResult& result, const CaseResult* other_side,
                         const std::string& version_marks) {
  std::string name = result.case_id.substr(result.case_id.find('/') + 1);
  std::string classname = result.case_id;  // "queues/join" -> "queues.join": CI tools group on dots
  std::replace(classname.begin(), classname.end(), '/', '.');
  std::string xml = fmt::format(
      "    <testcase classname=\"{}\" name=\"{} [{}] {}\" time=\"{:.3f}\"",
      xml_escape(classname), xml_escape(name), to_string(result.start_method),
      xml_escape(side_name(result)), total_wall(result));
  std::string first_reason = result.reasons.empty() ? to_string(result.code) : result.reasons.front();
  std::string message = to_string(result.code) + ": " + first_reason;
  std::string body = properties_xml(result, version_marks);
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
      body += captured_output_xml(result, other_side);
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
  // The other implementation's result of the same case x start method, for its stderr.
  std::map<std::tuple<std::string, StartMethod, Impl>, const CaseResult*> by_key;
  for (const auto& result : summary.results)
    by_key[{result.case_id, result.start_method, result.impl}] = &result;
  const VersionMatrix versions = version_matrix(summary, context());
  // Each case's axis results follow its own: suites list a case's testcases together.
  std::vector<const CaseResult*> ordered;
  for (const auto* list : {&summary.results, &summary.version_results})
    for (const auto& result : *list) ordered.push_back(&result);
  std::stable_sort(ordered.begin(), ordered.end(), [](const CaseResult* a, const CaseResult* b) {
    return std::tie(a->case_id, a->start_method) < std::tie(b->case_id, b->start_method);
  });
  for (const CaseResult* listed : ordered) {
    const CaseResult& result = *listed;
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
    // The other side: cpp and python of the reference interpreter to each other; an axis result's
    // is the reference interpreter's python result it was compared with.
    const bool axis = !result.python_version.empty();
    Impl other = result.impl == Impl::python && !axis ? Impl::cpp : Impl::python;
    auto sibling = by_key.find({result.case_id, result.start_method, other});
    const VersionRow* row = result.impl == Impl::python && !axis
                                ? find_row(versions, result.case_id, result.start_method)
                                : nullptr;
    suite.body += testcase_xml(result, sibling == by_key.end() ? nullptr : sibling->second,
                               row ? row_marks(versions, *row, false) : "");
  }
  const std::string timestamp = iso8601(context().started_at, ZoneDesignator::none);
  const std::string hostname = xml_escape(context().metadata.host);
  const std::string run_properties = run_properties_xml(context());
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuites name=\"parity\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      all.tests, all.failures, all.errors, all.skipped, summary.elapsed_s);
  for (const auto& [area, suite] : suites) {
    xml += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{:.3f}\" timestamp=\"{}\" hostname=\"{}\">\n",
        xml_escape(area), suite.tests, suite.failures, suite.errors, suite.skipped, suite.time,
        timestamp, hostname);
    xml += run_properties;
    xml += suite.body;
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  out << xml;
}

}  // namespace parity
