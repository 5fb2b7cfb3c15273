#pragma once
// Turns one run's raw stdout into comparable lines: splits out @metric and @sample lines, then
// rewrites what legitimately differs between runs and implementations (pids, addresses, float
// formatting, and whatever a case's own rules say). The rules are documented in
// docs/case-format.md.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "case_result.hpp"
#include "case_spec.hpp"
#include "regex_rule.hpp"
#include "run_record.hpp"

namespace parity {

// The built-in rule sets a case may name in `normalize`: "pids", "addresses", "floats".
std::span<const std::string_view> builtin_rule_sets();
bool is_builtin_rule_set(std::string_view name);

// Splits text into lines as a reader would: a final newline ends the last line, a trailing '\r'
// is dropped ("a\r\nb" and "a\nb\n" are both {"a", "b"}; "" is no line).
std::vector<std::string> split_lines(std::string_view text);

// A measure line: "@metric ..." or "@sample ..." after optional leading whitespace. Measures are
// split out of the output and never compared.
bool is_measure_line(std::string_view line);

// One parsed "@metric NAME VALUE [UNIT]" line.
struct MetricLine {
  std::string name;
  double value = 0;
  std::string unit;  // empty when absent
};
// Parses a line that starts with "@metric". Empty when it does not have that exact shape.
std::optional<MetricLine> parse_metric_line(std::string_view line);

// The units an @sample may carry: times per operation and rates.
std::span<const std::string_view> sample_units();
bool is_sample_unit(std::string_view unit);

// One parsed "@sample NAME VALUE UNIT" line: one timed iteration or batch of a benchmark.
struct SampleLine {
  std::string name;
  double value = 0;
  std::string unit;  // one of sample_units()
};
// Parses a line that starts with "@sample". Empty when it does not have that exact shape (four
// words, a finite VALUE, a known UNIT).
std::optional<SampleLine> parse_sample_line(std::string_view line);

class Normalizer {
 public:
  // rule_sets: names from builtin_rule_sets(); rules: RE2 regexes with $n replacements
  // (regex_rule.hpp). Throws std::invalid_argument on an unknown rule set or a bad rule (the loader
  // has already rejected both for specs it returned).
  Normalizer(const std::vector<std::string>& rule_sets, const std::vector<NormalizeRule>& rules);
  explicit Normalizer(const CaseSpec& spec);

  // Splits stdout into lines (a final newline ends the last line; a trailing '\r' is dropped),
  // moves @metric lines into metrics and @sample lines into samples (in order; a sample whose
  // unit differs from an earlier one of the same name is malformed), and rewrites the rest: first the case's rules in order, then
  // addresses, pids, floats. Pid labels are numbered per call: identity holds within one run.
  NormalizedRun normalize(RunRecord record) const;

  // The same on bare text (no metrics or samples split): for stderr, references and tests.
  std::vector<std::string> normalize_text(std::string_view text) const;

 private:
  std::vector<std::string> rewrite(std::vector<std::string> lines) const;

  bool pids_ = false;
  bool addresses_ = false;
  bool floats_ = false;
  std::vector<RegexRule> rules_;
};

// The single rules, exposed for tests and reuse. Each works on one line.
std::string replace_addresses(std::string_view line);  // 0x + at least 6 hex digits -> <addr>
std::string canonical_floats(std::string_view line);   // decimals reprinted with %.6g

// Pid labelling state for one run: the first pid seen is <pid1>, the next distinct one <pid2>.
class PidLabeler {
 public:
  std::string relabel(std::string_view line);  // rewrites pids in their known contexts
  std::size_t distinct_pids() const { return labels_.size(); }

 private:
  std::string label_for(std::string_view digits);
  // digits -> "<pidN>", N in order seen. A map: a flood of distinct pids must stay linear.
  std::unordered_map<std::string, std::string> labels_;
};

}  // namespace parity
