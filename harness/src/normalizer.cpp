// The normalizer: @metric and @sample split, case rules, then addresses, pids and floats.

#include "normalizer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace parity {
namespace {

constexpr std::array<std::string_view, 3> rule_set_names{"pids", "addresses", "floats"};
constexpr std::array<std::string_view, 6> sample_unit_names{"ns", "us", "ms", "s", "items/s", "B/s"};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// A finite number as strtod reads the whole word; empty otherwise.
std::optional<double> finite_number(std::string_view word) {
  std::string text(word);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// The line (leading whitespace dropped) starts with the word `tag` ("@metric", "@sample").
bool starts_with_tag(std::string_view trimmed, std::string_view tag) {
  return trimmed.starts_with(tag) &&
         (trimmed.size() == tag.size() || std::isspace(static_cast<unsigned char>(trimmed[tag.size()])));
}

}  // namespace

bool is_measure_line(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
  return starts_with_tag(line, "@metric") || starts_with_tag(line, "@sample");
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

std::span<const std::string_view> builtin_rule_sets() { return rule_set_names; }

bool is_builtin_rule_set(std::string_view name) {
  return std::find(rule_set_names.begin(), rule_set_names.end(), name) != rule_set_names.end();
}

std::optional<MetricLine> parse_metric_line(std::string_view line) {
  std::vector<std::string_view> words = split_words(line);
  if (words.size() < 3 || words.size() > 4 || words[0] != "@metric") return std::nullopt;
  std::optional<double> value = finite_number(words[2]);
  if (!value) return std::nullopt;
  MetricLine metric{std::string(words[1]), *value, {}};
  if (words.size() == 4) metric.unit = words[3];
  return metric;
}

std::span<const std::string_view> sample_units() { return sample_unit_names; }

bool is_sample_unit(std::string_view unit) {
  return std::find(sample_unit_names.begin(), sample_unit_names.end(), unit) != sample_unit_names.end();
}

std::optional<SampleLine> parse_sample_line(std::string_view line) {
  std::vector<std::string_view> words = split_words(line);
  if (words.size() != 4 || words[0] != "@sample" || !is_sample_unit(words[3])) return std::nullopt;
  std::optional<double> value = finite_number(words[2]);
  if (!value) return std::nullopt;
  return SampleLine{std::string(words[1]), *value, std::string(words[3])};
}

std::string replace_addresses(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    bool starts = line[i] == '0' && i + 1 < line.size() && (line[i + 1] == 'x' || line[i + 1] == 'X') &&
                  (i == 0 || !is_word_char(line[i - 1]));
    if (starts) {
      std::size_t j = i + 2;
      while (j < line.size() && std::isxdigit(static_cast<unsigned char>(line[j]))) ++j;
      // Six or more hex digits: short hex literals (flags, small values) are data, not addresses.
      if (j - (i + 2) >= 6 && (j == line.size() || !is_word_char(line[j]))) {
        out += "<addr>";
        i = j;
        continue;
      }
    }
    out += line[i++];
  }
  return out;
}

std::string canonical_floats(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    if (!is_digit(line[i]) || (i > 0 && (is_word_char(line[i - 1]) || line[i - 1] == '.'))) {
      // Copy a whole word at once so digits inside identifiers never start a number.
      if (is_word_char(line[i])) {
        while (i < line.size() && is_word_char(line[i])) out += line[i++];
      } else {
        out += line[i++];
      }
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && is_digit(line[j])) ++j;
    bool is_float = false;
    if (j + 1 < line.size() && line[j] == '.' && is_digit(line[j + 1])) {
      is_float = true;
      j += 1;
      while (j < line.size() && is_digit(line[j])) ++j;
    }
    if (j < line.size() && (line[j] == 'e' || line[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < line.size() && (line[k] == '+' || line[k] == '-')) ++k;
      if (k < line.size() && is_digit(line[k])) {
        while (k < line.size() && is_digit(line[k])) ++k;
        is_float = true;
        j = k;
      }
    }
    // "3.11.4" is a version, not a float: a dot and digit right after means it goes on.
    bool continues = j + 1 < line.size() && line[j] == '.' && is_digit(line[j + 1]);
    if (!is_float || continues) {
      while (j < line.size() && (is_word_char(line[j]) || line[j] == '.')) ++j;
      out.append(line.substr(i, j - i));
      i = j;
      continue;
    }
    double value = std::strtod(std::string(line.substr(i, j - i)).c_str(), nullptr);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    out += buffer;
    i = j;
  }
  return out;
}

std::string PidLabeler::label_for(std::string_view digits) {
  // Leading zeros never occur in printed pids; compare digit strings as printed.
  std::string key(digits);
  if (auto seen = labels_.find(key); seen != labels_.end()) return seen->second;
  std::string label = "<pid" + std::to_string(labels_.size() + 1) + ">";
  labels_.emplace(std::move(key), label);
  return label;
}

std::string PidLabeler::relabel(std::string_view text) {
  std::string out;
  std::size_t copied = 0;  // text[0, copied) is already in out
  auto relabel_number = [&](std::size_t at, std::size_t end) {
    out.append(text.substr(copied, at - copied));
    out += label_for(text.substr(at, end - at));
    copied = end;
  };
  // The end of a pid number starting at `at`, or `at` when there is none there: 1..7 digits
  // (pid_max <= 4194304), not followed by a word character or by ".<digit>".
  auto number_at = [&](std::size_t at) -> std::size_t {
    std::size_t end = at;
    while (end < text.size() && is_digit(text[end])) ++end;
    if (end == at || end - at > 7) return at;
    if (end < text.size() &&
        (is_word_char(text[end]) || (text[end] == '.' && end + 1 < text.size() && is_digit(text[end + 1]))))
      return at;
    return end;
  };
  auto skip_spaces = [&](std::size_t at) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    return at;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t word_end = i;
    while (word_end < text.size() && is_word_char(text[word_end])) ++word_end;
    std::string word(text.substr(i, word_end - i));
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t underscore = word.rfind('_');
    std::string_view base = underscore == std::string::npos || underscore == 0
                                ? std::string_view(word)
                                : std::string_view(word).substr(underscore + 1);
    // A word that names a pid: pid, ppid, NAME_pid, getpid(), getppid(), the "parent=" of
    // CPython's Process repr; pids and NAME_pids take only a bracketed list ("pids 4" is a count).
    enum class Takes { nothing, number_or_list, list } takes = Takes::nothing;
    std::size_t at = word_end;
    if (base == "pid" || base == "ppid") {
      takes = Takes::number_or_list;
    } else if (base == "pids") {
      takes = Takes::list;
    } else if ((base == "getpid" || base == "getppid") && text.substr(word_end, 2) == "()") {
      takes = Takes::number_or_list;
      at = word_end + 2;
    } else if (word == "parent" && word_end < text.size() && text[word_end] == '=') {
      takes = Takes::number_or_list;
    }
    i = word_end;
    if (takes == Takes::nothing) continue;

    at = skip_spaces(at);
    if (at < text.size() && (text[at] == '=' || text[at] == ':')) at = skip_spaces(at + 1);
    else if (text.substr(at, 3) == "is ") at = skip_spaces(at + 3);

    if (at < text.size() && (text[at] == '[' || text[at] == '(')) {
      // "pids [12, 13]": numbers are relabelled while the list stays well formed.
      std::size_t next = at + 1;
      while (true) {
        next = skip_spaces(next);
        std::size_t end = number_at(next);
        if (end == next) break;
        relabel_number(next, end);
        i = end;
        next = skip_spaces(end);
        if (next < text.size() && text[next] == ',') {
          ++next;
          continue;
        }
        break;
      }
    } else if (takes == Takes::number_or_list) {
      std::size_t end = number_at(at);
      if (end != at) {
        relabel_number(at, end);
        i = end;
      }
    }
  }
  out.append(text.substr(copied));
  return out;
}

Normalizer::Normalizer(const std::vector<std::string>& rule_sets,
                       const std::vector<NormalizeRule>& rules) {
  for (const std::string& name : rule_sets) {
    if (name == "pids") pids_ = true;
    else if (name == "addresses") addresses_ = true;
    else if (name == "floats") floats_ = true;
    else throw std::invalid_argument("unknown normalize rule set '" + name + "'");
  }
  for (const NormalizeRule& rule : rules) rules_.emplace_back(rule.regex, rule.replace);
}

Normalizer::Normalizer(const CaseSpec& spec) : Normalizer(spec.normalize, spec.rules) {}

std::vector<std::string> Normalizer::rewrite(std::vector<std::string> lines) const {
  PidLabeler pids;  // one per run: labels follow the order pids first appear in this output
  for (std::string& line : lines) {
    for (const RegexRule& rule : rules_) rule.apply(line);
    if (addresses_) line = replace_addresses(line);
    if (pids_) line = pids.relabel(line);
    if (floats_) line = canonical_floats(line);
  }
  return lines;
}

std::vector<std::string> Normalizer::normalize_text(std::string_view text) const {
  return rewrite(split_lines(text));
}

NormalizedRun Normalizer::normalize(RunRecord record) const {
  NormalizedRun run;
  std::vector<std::string> kept;
  for (std::string& line : split_lines(record.stdout_text)) {
    std::string_view trimmed = line;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
      trimmed.remove_prefix(1);
    if (!is_measure_line(trimmed)) {
      kept.push_back(std::move(line));
    } else if (starts_with_tag(trimmed, "@metric")) {
      if (std::optional<MetricLine> metric = parse_metric_line(trimmed)) {
        run.metrics[metric->name] = metric->value;  // a repeated metric: the last value counts
        if (!metric->unit.empty()) run.metric_units[metric->name] = metric->unit;
      } else {
        run.malformed_metrics.push_back(line);
      }
    } else {
      std::optional<SampleLine> sample = parse_sample_line(trimmed);
      auto unit = sample ? run.sample_units.try_emplace(sample->name, sample->unit).first
                         : run.sample_units.end();
      if (sample && unit->second == sample->unit) {
        run.samples[sample->name].push_back(sample->value);
      } else {
        run.malformed_samples.push_back(line);
      }
    }
  }
  run.lines = rewrite(std::move(kept));
  run.outcome = observed_outcome(record);
  run.record = std::move(record);
  return run;
}

}  // namespace parity
