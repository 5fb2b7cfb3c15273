// failure_blocks: the console's account of each failure (console_text.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <tuple>

#include "console_text.hpp"
#include "normalizer.hpp"
#include "report_text.hpp"
#include "stack_folding.hpp"

namespace parity {
namespace {

// What makes two failures of one case "the same" across start methods and implementations: the
// code and the text of reasons, override reason and diff with the start method and
// implementation names taken out (a diff's header names them; a reason may), and in the reasons
// numbers too (a leaked process's pid), and the axis version a diff's header names.
std::string failure_signature(const CaseResult& result) {
  static const std::regex names(R"(\b(forkserver|spawn|fork|python|cpp)\b)");
  static const std::regex numbers(R"([0-9]+)");
  std::string reasons;
  for (const auto& reason : result.reasons) reasons += "\n" + reason;
  std::string diff = result.diff;
  if (!result.python_version.empty())
    for (std::size_t at = diff.find(result.python_version); at != std::string::npos;
         at = diff.find(result.python_version, at))
      diff.replace(at, result.python_version.size(), "VERSION");
  std::string text = to_string(result.code) + "\n" + result.override_reason + "\n" + diff +
                     std::regex_replace(reasons, numbers, "N");
  return std::regex_replace(text, names, "NAME");
}

bool is_listed(const CaseResult& result) {
  return is_failure(result.code) || (result.code == ResultCode::xfail && !result.override_reason.empty());
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (const std::string& line : split_lines(text)) out += indent + line + "\n";
  return out;
}

std::string diff_text(const std::string& diff, bool color) {
  std::string out;
  for (const std::string& line : split_lines(valid_utf8(diff))) {
    const char* tint = !color                       ? ""
                       : line.rfind("+", 0) == 0   ? "\033[32m"
                       : line.rfind("-", 0) == 0   ? "\033[31m"
                       : line.rfind("@@", 0) == 0  ? "\033[36m"
                                                   : "";
    out += "    " + std::string(tint) + line + (*tint ? "\033[0m" : "") + "\n";
  }
  return out;
}

std::string stderr_text(const CaseResult& side) {
  const NormalizedRun* run = shown_run(side);
  if (!run || run->record.stderr_text.empty()) return "";
  TextTail tail = tail_of(valid_utf8(run->record.stderr_text), stderr_tail_lines);
  std::string head =
      tail.omitted > 0
          ? fmt::format("  stderr of {} (last {} of {} lines):\n", side_name(side), stderr_tail_lines,
                        stderr_tail_lines + tail.omitted)
          : fmt::format("  stderr of {}:\n", side_name(side));
  return head + indented(tail.text, "    | ");
}

std::string stacks_text(const CaseResult& result, const ConsoleStyle& style) {
  const NormalizedRun* run = shown_run(result);
  if (!run || run->record.stacks.empty()) return "";
  const std::string stacks = valid_utf8(run->record.stacks);
  if (style.full_stacks)
    return "  stacks of the " + side_name(result) + " process tree at the timeout:\n" +
           indented(fold_stacks(stacks), "    ");
  std::string text = fmt::format("  where each {} process waited at the timeout (parity show {} "
                                 "--start-method {} for the stacks):\n",
                                 side_name(result), result.case_id, to_string(result.start_method));
  for (const std::string& line : stack_summary(stacks)) text += "    " + line + "\n";
  return text;
}

// "  python versions [fork, spawn]: 3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗": the start methods of a block
// whose rows read the same share a line. Empty without a version axis.
std::string versions_text(const VersionMatrix& versions, const std::string& case_id,
                          const std::vector<StartMethod>& methods, bool color) {
  std::vector<std::pair<std::string, std::string>> lines;  // (marks, methods)
  for (StartMethod method : methods) {
    const VersionRow* row = find_row(versions, case_id, method);
    if (!row) continue;
    const std::string marks = row_marks(versions, *row, color);
    auto same = std::find_if(lines.begin(), lines.end(), [&](const auto& line) { return line.first == marks; });
    if (same == lines.end()) lines.push_back({marks, to_string(method)});
    else same->second += ", " + to_string(method);
  }
  std::string text;
  for (const auto& [marks, names] : lines) text += "  python versions [" + names + "]: " + marks + "\n";
  return text;
}

}  // namespace

std::string failure_blocks(const RunSummary& summary, const ConsoleStyle& style, const VersionMatrix& versions) {
  std::map<std::tuple<std::string, StartMethod, Impl>, const CaseResult*> by_key;
  for (const auto& result : summary.results) by_key[{result.case_id, result.start_method, result.impl}] = &result;

  struct Group {
    const CaseResult* first;
    std::string signature;
    std::vector<StartMethod> methods;
    std::vector<std::string> sides;  // side_name()s
  };
  std::vector<Group> groups;
  for (const auto* list : {&summary.results, &summary.version_results}) {
    for (const auto& result : *list) {
      if (!is_listed(result)) continue;
      std::string signature = failure_signature(result);
      auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& group) {
        return group.first->case_id == result.case_id && group.signature == signature;
      });
      if (same == groups.end()) {
        groups.push_back({&result, std::move(signature), {}, {}});
        same = groups.end() - 1;
      }
      if (std::find(same->methods.begin(), same->methods.end(), result.start_method) == same->methods.end())
        same->methods.push_back(result.start_method);
      if (std::find(same->sides.begin(), same->sides.end(), side_name(result)) == same->sides.end())
        same->sides.push_back(side_name(result));
    }
  }
  if (groups.empty()) return "";
  // A case's blocks together, whichever list they came from.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const Group& a, const Group& b) { return a.first->case_id < b.first->case_id; });

  std::string text = std::string("\n") + (style.color ? "\033[1m" : "") + "Failures" +
                     (style.color ? "\033[0m" : "") + "\n";
  for (const Group& group : groups) {
    const CaseResult& result = *group.first;
    std::string methods, sides;
    for (StartMethod method : group.methods) methods += (methods.empty() ? "" : ", ") + to_string(method);
    for (const std::string& side : group.sides) sides += (sides.empty() ? "" : ", ") + side;
    text += "\n" + paint(result.code, to_string(result.code), style.color) +
            fmt::format(" {} [{}] {}", valid_utf8(result.case_id), methods, sides);
    if (group.methods.size() > 1 || group.sides.size() > 1)
      text += fmt::format("  (alike; shown: [{}] {})", to_string(result.start_method), side_name(result));
    text += "\n";
    for (const auto& reason : result.reasons) text += "  " + valid_utf8(reason) + "\n";
    if (!result.override_reason.empty())
      text += "  documented divergence: " + valid_utf8(result.override_reason) + "\n";
    text += versions_text(versions, result.case_id, group.methods, style.color);
    text += diff_text(result.diff, style.color);

    // Both sides of the shown start method, this one first (an axis result's other side is the
    // reference interpreter's python result it was compared with): their stderr, stacks of the
    // sides in the group that hung, how to rerun each.
    Impl other_impl = result.impl == Impl::python && result.python_version.empty() ? Impl::cpp : Impl::python;
    auto other = by_key.find({result.case_id, result.start_method, other_impl});
    std::vector<const CaseResult*> sides_shown = {&result};
    if (other != by_key.end()) sides_shown.push_back(other->second);
    for (const CaseResult* side : sides_shown) text += stderr_text(*side);
    for (const CaseResult* side : sides_shown)
      if (std::find(group.sides.begin(), group.sides.end(), side_name(*side)) != group.sides.end())
        text += stacks_text(*side, style);
    for (const CaseResult* side : sides_shown)
      if (const NormalizedRun* run = shown_run(*side))
        text += "  rerun " + side_name(*side) + ": " + valid_utf8(rerun_command(run->record)) + "\n";
  }
  return text;
}

}  // namespace parity
