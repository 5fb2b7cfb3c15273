// ShowReporter: `parity show`, one case x start method up close.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "console_text.hpp"
#include "normalizer.hpp"
#include "report_text.hpp"
#include "reporter.hpp"
#include "stack_folding.hpp"

namespace parity {
namespace {

// Columns of UTF-8 text: one per character (every byte that does not continue a sequence).
std::size_t columns_of(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The first `columns` characters of text and the rest.
std::pair<std::string, std::string> split_at_column(const std::string& text, std::size_t columns) {
  std::size_t seen = 0, at = 0;
  for (; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && seen++ == columns) break;
  }
  return {text.substr(0, at), text.substr(at)};
}

// A line as it shows in a column: valid UTF-8, tabs as spaces.
std::string displayable(const std::string& line) {
  std::string text = valid_utf8(line);
  std::replace(text.begin(), text.end(), '\t', ' ');
  return text;
}

// The pieces text shows as in a column `width` wide: cut with "~" (one piece), or wrapped.
std::vector<std::string> pieces_of(const std::string& text, std::size_t width, bool wrap) {
  if (columns_of(text) <= width) return {text};
  if (!wrap) return {split_at_column(text, width - 1).first + "~"};
  std::vector<std::string> pieces;
  std::string rest = text;
  while (columns_of(rest) > width) {
    auto [head, tail] = split_at_column(rest, width);
    pieces.push_back(head);
    rest = tail;
  }
  pieces.push_back(rest);
  return pieces;
}

std::string padded(const std::string& text, std::size_t width) {
  std::size_t columns = columns_of(text);
  return columns >= width ? text : text + std::string(width - columns, ' ');
}

// One side's stdout for the view: raw lines, and for each its index among the normalized lines
// (-1 for a measure line, which is never compared).
struct ShownLines {
  std::vector<std::string> raw;
  std::vector<int> normalized_index;
  const std::vector<std::string>* normalized = nullptr;
};

ShownLines shown_lines(const NormalizedRun* run) {
  ShownLines shown;
  if (!run) return shown;
  shown.raw = split_lines(run->record.stdout_text);
  shown.normalized = &run->lines;
  int next = 0;
  for (const auto& line : shown.raw) shown.normalized_index.push_back(is_measure_line(line) ? -1 : next++);
  return shown;
}

// Is run k of a result clean: started, not hung, exit 0?
bool clean(const NormalizedRun& run) {
  return !run.record.timed_out && run.record.status && *run.record.status == ExitStatus::exited(0);
}

}  // namespace

void ShowReporter::report_context(const RunContext& context) {
  // Programs that hang take their whole timeout: say what is going on meanwhile.
  out_ << "parity show: running " << context.total_results << " result"
       << (context.total_results == 1 ? "" : "s") << " (python " << context.python_version
       << ", -j " << context.jobs << ")..." << std::endl;
}

void ShowReporter::report_results(const ResultBatch& batch) {
  if (batch.results.empty()) return;
  const CaseResult* python = nullptr;
  const CaseResult* cpp = nullptr;
  for (const auto& result : batch.results) (result.impl == Impl::python ? python : cpp) = &result;
  const CaseResult& first = batch.results.front();
  const int width = std::max(40, options_.width);
  auto rule = [&](const std::string& title) {
    std::string head = "---- " + title + " ";
    out_ << head << std::string(std::max<int>(4, width - static_cast<int>(columns_of(head))), '-') << "\n";
  };
  auto code = [&](const CaseResult& result) {
    return paint(result.code, to_string(result.code), options_.color);
  };

  out_ << "\n== " << first.case_id << " [" << to_string(first.start_method) << "]";
  for (const auto& result : batch.results) out_ << "   " << to_string(result.impl) << ": " << code(result);
  out_ << "\n";

  // Several runs a side: the distributions, then the first run that failed or differed.
  std::size_t runs = 0;
  for (const auto* result : {python, cpp})
    if (result) runs = std::max(runs, result->runs.size());
  std::size_t shown = 0;
  if (runs > 1) {
    rule(fmt::format("{} runs a side", runs));
    for (const auto* result : {python, cpp}) {
      if (!result || result->runs.empty()) continue;
      std::string outcomes;
      for (const auto& [outcome, count] : result->outcome_histogram)
        outcomes += fmt::format("{}{} x{}", outcomes.empty() ? "" : ", ", outcome, count);
      out_ << fmt::format("{}: {}; median {}\n", to_string(result->impl), outcomes,
                          format_seconds(result->median_wall_s));
      for (const auto& [metric, histogram] : result->metric_histograms) {
        std::string values;
        for (const auto& [value, count] : histogram) values += fmt::format("{}{} x{}", values.empty() ? "" : ", ", value, count);
        out_ << fmt::format("  @{}: {}\n", metric, values);
      }
    }
    if (cpp && !cpp->distributions.empty()) {
      out_ << "cpp against python's runs:\n";
      for (const VariableComparison& comparison : cpp->distributions) out_ << "  " << describe(comparison) << "\n";
    }
    for (std::size_t k = 0; k < runs; ++k) {
      const NormalizedRun* a = python && k < python->runs.size() ? &python->runs[k] : nullptr;
      const NormalizedRun* b = cpp && k < cpp->runs.size() ? &cpp->runs[k] : nullptr;
      if ((a && !clean(*a)) || (b && !clean(*b)) || (a && b && a->lines != b->lines)) {
        shown = k;
        out_ << fmt::format("run {} of {} is the first that failed or differed; shown below\n", k + 1, runs);
        break;
      }
      if (k + 1 == runs) out_ << "every run exited 0 with the same output; run 1 shown below\n";
    }
  }
  auto run_of = [&](const CaseResult* result) -> const NormalizedRun* {
    if (!result || result->runs.empty()) return nullptr;
    return &result->runs[std::min(shown, result->runs.size() - 1)];
  };
  const NormalizedRun* left = run_of(python);
  const NormalizedRun* right = run_of(cpp);

  // stdout, side by side: the programs' own words; a mark where the normalized lines differ.
  const std::size_t column = static_cast<std::size_t>(std::max(20, (width - 3) / 2));
  rule("stdout (python | cpp; '!' where the normalized lines differ; @metric/@sample lines are not compared)");
  out_ << padded(left ? "python" : "python (did not run)", column) << "   "
       << (right ? "cpp" : "cpp (did not run)") << "\n";
  ShownLines l = shown_lines(left), r = shown_lines(right);
  auto row = [&](const std::string& a, const std::string& b, char mark) {
    std::vector<std::string> left_pieces = pieces_of(displayable(a), column, options_.wrap);
    std::vector<std::string> right_pieces = pieces_of(displayable(b), column, options_.wrap);
    std::size_t rows = std::max(left_pieces.size(), right_pieces.size());
    const bool tint = options_.color && mark == '!';
    for (std::size_t i = 0; i < rows; ++i) {
      std::string x = i < left_pieces.size() ? left_pieces[i] : "";
      std::string y = i < right_pieces.size() ? right_pieces[i] : "";
      std::string shown_left = padded(x, column);
      if (tint) shown_left = "\033[31m" + shown_left + "\033[0m";
      if (tint && !y.empty()) y = "\033[32m" + y + "\033[0m";
      std::string line = shown_left + " " + (i == 0 ? mark : '>') + " " + y;
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ << line << "\n";
    }
  };
  std::size_t i = 0, j = 0;
  while (i < l.raw.size() || j < r.raw.size()) {
    bool left_measure = i < l.raw.size() && l.normalized_index[i] < 0;
    bool right_measure = j < r.raw.size() && r.normalized_index[j] < 0;
    if (left_measure || right_measure) {
      // Measures are shown where they were printed, never compared (so never marked).
      row(left_measure ? l.raw[i] : "", right_measure ? r.raw[j] : "", ' ');
      i += left_measure;
      j += right_measure;
      continue;
    }
    bool has_left = i < l.raw.size(), has_right = j < r.raw.size();
    char mark = '|';
    if (left && right) {
      auto normalized = [](const ShownLines& side, std::size_t at) -> const std::string* {
        int index = side.normalized_index[at];
        return side.normalized && index >= 0 && static_cast<std::size_t>(index) < side.normalized->size()
                   ? &(*side.normalized)[static_cast<std::size_t>(index)]
                   : nullptr;
      };
      const std::string* a = has_left ? normalized(l, i) : nullptr;
      const std::string* b = has_right ? normalized(r, j) : nullptr;
      mark = a && b && *a == *b ? '|' : '!';
    }
    row(has_left ? l.raw[i] : "", has_right ? r.raw[j] : "", mark);
    i += has_left;
    j += has_right;
  }

  for (const auto* run : {left, right}) {
    if (!run || run->record.stderr_text.empty()) continue;
    rule("stderr " + to_string(run == left ? Impl::python : Impl::cpp));
    std::string text = valid_utf8(run->record.stderr_text);
    out_ << text << (text.back() == '\n' ? "" : "\n");
  }

  for (const auto* result : {python, cpp}) {
    if (!result || (result->reasons.empty() && result->diff.empty() && result->override_reason.empty()))
      continue;
    rule(to_string(result->impl) + ": " + to_string(result->code));
    for (const auto& reason : result->reasons) out_ << valid_utf8(reason) << "\n";
    if (!result->override_reason.empty())
      out_ << "documented divergence: " << result->override_reason << "\n";
    if (!result->diff.empty()) {
      std::string diff = valid_utf8(result->diff);
      out_ << diff << (diff.back() == '\n' ? "" : "\n");
    }
  }

  rule("rerun by hand");
  for (const auto* run : {left, right}) {
    if (!run) continue;
    const RunRecord& record = run->record;
    std::string status = record.timed_out ? "hung, killed by the harness"
                         : record.status ? record.status->str()
                                         : "did not start: " + record.launch_error;
    out_ << to_string(run == left ? Impl::python : Impl::cpp) << " (" << status << ", "
         << format_seconds(record.wall_s) << "):\n  " << rerun_command(record) << "\n";
  }

  for (const auto* run : {left, right}) {
    if (!run || run->record.stacks.empty()) continue;
    rule("stacks of the " + to_string(run == left ? Impl::python : Impl::cpp) + " process tree at the timeout" +
         (options_.full_stacks ? "" : " (plumbing folded; --full-stacks shows every frame)"));
    std::string stacks = valid_utf8(run->record.stacks);
    if (!options_.full_stacks) stacks = fold_stacks(stacks);
    out_ << stacks << (stacks.back() == '\n' ? "" : "\n");
  }
  for (const auto* run : {left, right}) {
    if (!run || !run->record.leaked()) continue;
    rule("left behind by " + to_string(run == left ? Impl::python : Impl::cpp));
    for (const auto& process : run->record.leaked_processes)
      out_ << "process " << process.pid << " (parent " << process.ppid << "): " << process.command << "\n";
    for (const auto& entry : run->record.leaked_shm) out_ << "/dev/shm/" << entry << "\n";
  }
  out_.flush();
}

}  // namespace parity
