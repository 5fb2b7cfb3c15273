#pragma once
// The case model: one cases/<area>/<name>/case.toml, validated (case_loader.hpp loads it). The
// file format is documented in docs/case-format.md.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "distribution_comparison.hpp"
#include "outcome.hpp"

namespace parity {

enum class StartMethod { fork, spawn, forkserver };
enum class Impl { python, cpp };
enum class CompareMode { ordered, unordered, none };

std::string to_string(StartMethod method);
std::string to_string(Impl impl);
std::string to_string(CompareMode mode);
std::optional<StartMethod> parse_start_method(std::string_view text);
std::optional<Impl> parse_impl(std::string_view text);
std::optional<CompareMode> parse_compare_mode(std::string_view text);
inline constexpr StartMethod all_start_methods[] = {StartMethod::fork, StartMethod::spawn,
                                                    StartMethod::forkserver};

// Where something is in a case.toml: "cases/queues/x/case.toml:12:3".
struct SourceLocation {
  std::filesystem::path file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

// A malformed case: what() is "file:line:column: message".
class CaseError : public std::runtime_error {
 public:
  CaseError(const SourceLocation& where, const std::string& message);
  const SourceLocation& where() const noexcept { return where_; }

 private:
  SourceLocation where_;
};

// The range case.toml's timeout_s must be in (the loader rejects anything else, inf and nan too).
inline constexpr double min_timeout_s = 0.01;
inline constexpr double max_timeout_s = 86400;
// timeout_s scaled by --timeout-multiplier, saturated to [1 ms, max_scaled_timeout] instead of
// overflowing (1e300 x 10 s is "very long", never a negative or zero duration).
// The shortest [expect] hang_after_quiet_s: a few of the launcher's observations of the tree.
inline constexpr double min_hang_after_quiet_s = 0.05;
inline constexpr std::chrono::milliseconds max_scaled_timeout{1'000'000'000};  // 11.6 days
std::chrono::milliseconds scaled_timeout(double timeout_s, double multiplier);

// [expect.metrics] / [expect.samples] NAME = { min, max, some_run_min, some_run_max }. min and max
// bound every run; some_run_min / some_run_max ask that at least one run of a side reaches the
// value (>= / <=): a race the case claims must be seen on each side, not only permitted.
struct MetricBound {
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> some_run_min;
  std::optional<double> some_run_max;
};

// [expect.distribution] compare: how the cpp side's distribution over its runs (outcome and each
// metric) is judged against python's (distribution_comparison.hpp). Every comparison is reported;
// only the chosen one can fail the cpp result.
enum class DistributionCompare {
  none,     // reported, never a failure (the default)
  support,  // a value one side shows and the other never does, where that absence has p < alpha
  test,     // the permutation test's p < alpha fails (and so does a support divergence)
};

struct DistributionExpectation {
  DistributionCompare compare = DistributionCompare::none;
  double alpha = default_alpha;  // of both the support check and the permutation test
};

struct NormalizeRule {
  std::string regex;    // RE2 syntax, applied per line (regex_rule.hpp)
  std::string replace;  // $1-style references
};

// [[expect.override]] python = ">=3.12": the CPython versions an override is for, as
// comma-separated clauses that must all hold ("<3.12", ">=3.8, <3.10", "==3.9"; operators
// < <= > >= == !=), on major.minor (3.12 holds for 3.12.1).
struct PythonRange {
  struct Clause {
    std::string op;  // "<", "<=", ">", ">=", "==", "!="
    int major = 3;
    int minor = 0;
  };
  std::vector<Clause> clauses;
  std::string text;  // as written
  // Whether version ("3.12.1") is in the range; an empty or malformed version is not.
  bool admits(const std::string& version) const;
  // The range's text parsed; nullopt when malformed.
  static std::optional<PythonRange> parse(std::string_view text);
};

// A documented divergence for some start method, implementation and/or CPython versions. Always
// has a reason. A python range is checked against the version of the CPython a result is judged
// with: a python result's own interpreter; for cpp, the reference interpreter it is compared with.
struct Override {
  std::optional<StartMethod> start_method;  // empty: every start method
  std::optional<Impl> impl;                 // empty: both implementations
  std::optional<PythonRange> python;        // empty: every CPython version
  std::vector<Outcome> outcomes;            // replaces [expect].outcome where it applies (empty: not)
  bool xfail = false;                       // expected to fail: FAIL -> XFAIL, PASS -> XPASS
  bool compare = true;                      // false: skip the python/cpp output diff here
  // Variables ("outcome" or a metric name) whose distribution comparison does not fail the cpp
  // result here: a documented divergence of a race (still reported).
  std::vector<std::string> distribution_exempt;
  // [expect.metrics] / [expect.samples] bounds that hold here, in place of the case's bound of the
  // same name (or besides the case's): a claim only one side or some versions make.
  std::map<std::string, MetricBound> metric_bounds;
  std::map<std::string, MetricBound> sample_bounds;
  std::string reason;
  SourceLocation where;
  // python_version: the CPython the result is judged with ("3.12.1"); empty when unknown, which
  // no python range admits.
  bool applies_to(StartMethod method, Impl impl, const std::string& python_version = {}) const;
};

// What is expected of one start method x implementation, all applicable overrides merged: the
// outcomes come from the override that sets them (at most one may, the loader checks), xfail is set
// when any applicable override sets it, compare is off when any turns it off, and a variable is
// exempt from the distribution comparison when any exempts it; an override's bound replaces the
// case's bound of that name (at most one applicable override bounds a name, the loader checks).
struct Expectation {
  std::vector<Outcome> outcomes;  // any of them, on every run
  bool xfail = false;
  bool compare = true;
  std::set<std::string> distribution_exempt;
  std::map<std::string, MetricBound> metric_bounds;  // each run's value
  std::map<std::string, MetricBound> sample_bounds;  // each run's median of its samples
  std::vector<const Override*> overrides;  // the applicable ones, in file order
  std::string outcomes_str() const;        // "exit:0", or "exit:0 | hang"
  std::string reasons() const;             // the overrides' reasons joined by "; "
};

struct CaseSpec {
  std::string id;  // "<area>/<name>": the case's directory relative to its root
  std::filesystem::path dir;
  std::filesystem::path toml_path;
  std::filesystem::path python_program;  // dir/case.py
  std::filesystem::path cpp_source;      // dir/case.cpp

  std::string title;
  std::string behavior;
  std::string source;
  std::vector<std::string> tags;
  std::vector<StartMethod> start_methods{std::begin(all_start_methods), std::end(all_start_methods)};
  double timeout_s = 10;
  int runs = 1;
  bool exclusive = false;  // timing-sensitive: run alone, never beside another case
  CompareMode compare = CompareMode::ordered;
  std::vector<std::string> normalize;  // built-in rule sets: "pids", "addresses", "floats"
  std::vector<NormalizeRule> rules;    // [[normalize.rule]], applied in order
  std::map<std::string, std::string> params;  // passed as --param k=v

  // [expect] outcome: a string or an array of strings (any of them, on every run). Default exit:0.
  std::vector<Outcome> expected_outcomes{Outcome{}};
  std::map<std::string, MetricBound> metric_bounds;   // [expect.metrics]: each run's value
  std::map<std::string, MetricBound> sample_bounds;   // [expect.samples]: each run's median
  DistributionExpectation distribution;               // [expect.distribution]
  std::vector<Override> overrides;                    // [[expect.override]]
  // [expect] hang_after_quiet_s: a run that may hang is taken as hung once its whole tree has been
  // quiet this long (tree_quiescence.hpp), before its timeout. Unset: it waits the timeout.
  std::optional<double> hang_after_quiet_s;

  std::string area() const;  // the first component of id
  bool runs_under(StartMethod method) const;  // method is in start_methods
  // The expected outcomes and the override that set them (null if none) for one combination,
  // judged with CPython python_version (Override::applies_to).
  std::vector<Outcome> expected_for(StartMethod method, Impl impl, const Override** from = nullptr,
                                    const std::string& python_version = {}) const;
  // Whether "hang" is among the outcomes expected of one combination.
  bool may_hang(StartMethod method, Impl impl, const std::string& python_version = {}) const;
  // Everything expected of one combination, overrides merged (see Expectation).
  Expectation expectation_for(StartMethod method, Impl impl,
                              const std::string& python_version = {}) const;
  // The program's arguments after the program itself: --start-method M, then --param k=v sorted by k.
  std::vector<std::string> program_arguments(StartMethod method) const;
};

}  // namespace parity
