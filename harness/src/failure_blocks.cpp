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
// numbers too (a leaked process's pid).
std::string failure_signature(const CaseResult& result) {
  static const std::regex names(R"(\b(forkserver|spawn|fork|python|cpp)\b)");
  static const std::regex numbers(R"([0-9]+)");
  std::string reasons;
  for (const auto& reason : result.reasons) reasons += "\n" + reason;
  std::string text = to_string(result.code) + "\n" + result.override_reason + "\n" + result.diff +
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
          ? fmt::format("  stderr of {} (last {} of {} lines):\n", to_string(side.impl),
                        stderr_tail_lines, stderr_tail_lines + tail.omitted)
          : fmt::format("  stderr of {}:\n", to_string(side.impl));
  return head + indented(tail.text, "    | ");
}

std::string stacks_text(const CaseResult& result, const ConsoleStyle& style) {
  const NormalizedRun* run = shown_run(result);
  if (!run || run->record.stacks.empty()) return "";
  const std::string stacks = valid_utf8(run->record.stacks);
  if (style.full_stacks)
    return "  stacks of the " + to_string(result.impl) + " process tree at the timeout:\n" +
           indented(fold_stacks(stacks), "    ");
  std::string text = fmt::format("  where each {} process waited at the timeout (parity show {} "
                                 "--start-method {} for the stacks):\n",
                                 to_string(result.impl), result.case_id, to_string(result.start_method));
  for (const std::string& line : stack_summary(stacks)) text += "    " + line + "\n";
  return text;
}

}  // namespace

std::string failure_blocks(const RunSummary& summary, const ConsoleStyle& style) {
  std::map<std::tuple<std::string, StartMethod, Impl>, const CaseResult*> by_key;
  for (const auto& result : summary.results) by_key[{result.case_id, result.start_method, result.impl}] = &result;

  struct Group {
    const CaseResult* first;
    std::string signature;
    std::vector<StartMethod> methods;
    std::vector<Impl> impls;
  };
  std::vector<Group> groups;
  for (const auto& result : summary.results) {
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
    if (std::find(same->impls.begin(), same->impls.end(), result.impl) == same->impls.end())
      same->impls.push_back(result.impl);
  }
  if (groups.empty()) return "";

  std::string text = std::string("\n") + (style.color ? "\033[1m" : "") + "Failures" +
                     (style.color ? "\033[0m" : "") + "\n";
  for (const Group& group : groups) {
    const CaseResult& result = *group.first;
    std::string methods, impls;
    for (StartMethod method : group.methods) methods += (methods.empty() ? "" : ", ") + to_string(method);
    for (Impl impl : group.impls) impls += (impls.empty() ? "" : ", ") + to_string(impl);
    text += "\n" + paint(result.code, to_string(result.code), style.color) +
            fmt::format(" {} [{}] {}", valid_utf8(result.case_id), methods, impls);
    if (group.methods.size() > 1 || group.impls.size() > 1)
      text += fmt::format("  (alike; shown: [{}] {})", to_string(result.start_method), to_string(result.impl));
    text += "\n";
    for (const auto& reason : result.reasons) text += "  " + valid_utf8(reason) + "\n";
    if (!result.override_reason.empty())
      text += "  documented divergence: " + valid_utf8(result.override_reason) + "\n";
    text += diff_text(result.diff, style.color);

    // Both sides of the shown start method, this one first: their stderr, stacks of the sides in
    // the group that hung, how to rerun each.
    Impl other_impl = result.impl == Impl::python ? Impl::cpp : Impl::python;
    auto other = by_key.find({result.case_id, result.start_method, other_impl});
    std::vector<const CaseResult*> sides = {&result};
    if (other != by_key.end()) sides.push_back(other->second);
    for (const CaseResult* side : sides) text += stderr_text(*side);
    for (const CaseResult* side : sides)
      if (std::find(group.impls.begin(), group.impls.end(), side->impl) != group.impls.end())
        text += stacks_text(*side, style);
    for (const CaseResult* side : sides)
      if (const NormalizedRun* run = shown_run(*side))
        text += "  rerun " + to_string(side->impl) + ": " + valid_utf8(rerun_command(run->record)) + "\n";
  }
  return text;
}

}  // namespace parity
