// ShowReporter: `parity show`, one case x start method up close.

#include <fmt/format.h>

#include <algorithm>

#include "normalizer.hpp"
#include "reporter.hpp"

namespace parity {
namespace {

std::string fit(const std::string& text, std::size_t width) {
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\t', ' ');
  if (flat.size() <= width) return flat + std::string(width - flat.size(), ' ');
  return flat.substr(0, width - 1) + "~";
}

}  // namespace

void ShowReporter::report_context(const RunContext& context) {
  // Programs that hang take their whole timeout: say what is going on meanwhile.
  out_ << "parity show: running " << context.total_results << " program"
       << (context.total_results == 1 ? "" : "s") << " (python " << context.python_version
       << ", -j " << context.jobs << ")..." << std::endl;
}

void ShowReporter::report_results(const ResultBatch& batch) {
  if (batch.results.empty()) return;
  const CaseResult* python = nullptr;
  const CaseResult* cpp = nullptr;
  for (const auto& result : batch.results) (result.impl == Impl::python ? python : cpp) = &result;
  const CaseResult& first = batch.results.front();
  auto rule = [&](const std::string& title) {
    std::string head = "---- " + title + " ";
    out_ << head << std::string(std::max<int>(4, width_ - static_cast<int>(head.size())), '-') << "\n";
  };

  out_ << "\n== " << first.case_id << " [" << to_string(first.start_method) << "]";
  for (const auto& result : batch.results)
    out_ << "   " << to_string(result.impl) << ": " << to_string(result.code);
  out_ << "\n";

  auto record_of = [](const CaseResult* result) -> const RunRecord* {
    return result && !result->runs.empty() ? &result->runs.front().record : nullptr;
  };
  const RunRecord* left = record_of(python);
  const RunRecord* right = record_of(cpp);

  // stdout, side by side: the programs' own words; a mark where the normalized lines differ.
  std::size_t column = static_cast<std::size_t>(std::max(20, (width_ - 3) / 2));
  rule("stdout (python | cpp; '!' where the normalized lines differ)");
  auto left_lines = left ? split_lines(left->stdout_text) : std::vector<std::string>{};
  auto right_lines = right ? split_lines(right->stdout_text) : std::vector<std::string>{};
  const std::vector<std::string> none;
  const auto& left_norm = python && !python->runs.empty() ? python->runs.front().lines : none;
  const auto& right_norm = cpp && !cpp->runs.empty() ? cpp->runs.front().lines : none;
  out_ << fit(left ? "python" : "python (did not run)", column) << "   "
       << (right ? "cpp" : "cpp (did not run)") << "\n";
  std::size_t rows = std::max(left_lines.size(), right_lines.size());
  for (std::size_t i = 0; i < rows; ++i) {
    std::string a = i < left_lines.size() ? left_lines[i] : "";
    std::string b = i < right_lines.size() ? right_lines[i] : "";
    bool same = i < left_norm.size() && i < right_norm.size() && left_norm[i] == right_norm[i];
    char mark = (left && right && !same) ? '!' : '|';
    out_ << fit(a, column) << " " << mark << " " << b << "\n";
  }

  for (const auto* result : {python, cpp}) {
    const RunRecord* record = record_of(result);
    if (!record) continue;
    std::string side = to_string(result->impl);
    if (!record->stderr_text.empty()) {
      rule("stderr " + side);
      out_ << record->stderr_text << (record->stderr_text.back() == '\n' ? "" : "\n");
    }
  }

  for (const auto* result : {python, cpp}) {
    if (!result || (result->reasons.empty() && result->diff.empty() && result->override_reason.empty()))
      continue;
    rule(to_string(result->impl) + ": " + to_string(result->code));
    for (const auto& reason : result->reasons) out_ << reason << "\n";
    if (!result->override_reason.empty())
      out_ << "documented divergence: " << result->override_reason << "\n";
    if (!result->diff.empty()) out_ << result->diff << (result->diff.back() == '\n' ? "" : "\n");
  }

  rule("rerun by hand");
  for (const auto* result : {python, cpp}) {
    const RunRecord* record = record_of(result);
    if (!record) continue;
    std::string status = record->timed_out ? "hung, killed by the harness"
                         : record->status ? record->status->str()
                                          : "did not start: " + record->launch_error;
    out_ << to_string(result->impl) << " (" << status << ", " << format_seconds(record->wall_s)
         << "):\n  " << rerun_command(*record) << "\n";
  }

  for (const auto* result : {python, cpp}) {
    const RunRecord* record = record_of(result);
    if (!record || record->stacks.empty()) continue;
    rule("stacks of the " + to_string(result->impl) + " process tree at the timeout");
    out_ << record->stacks << (record->stacks.back() == '\n' ? "" : "\n");
  }
  for (const auto* result : {python, cpp}) {
    const RunRecord* record = record_of(result);
    if (!record || !record->leaked()) continue;
    rule("left behind by " + to_string(result->impl));
    for (const auto& process : record->leaked_processes)
      out_ << "process " << process.pid << " (parent " << process.ppid << "): " << process.command << "\n";
    for (const auto& entry : record->leaked_shm) out_ << "/dev/shm/" << entry << "\n";
  }
  out_.flush();
}

}  // namespace parity
