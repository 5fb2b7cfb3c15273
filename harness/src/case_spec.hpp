#pragma once
// The case model: one cases/<area>/<name>/case.toml, validated. The loader rejects unknown keys,
// wrong types, missing programs and unknown start methods with "file:line:column: message".

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace parity {

enum class StartMethod { fork, spawn, forkserver };
enum class Impl { python, cpp };
enum class CompareMode { ordered, unordered, none };

std::string to_string(StartMethod method);
std::string to_string(Impl impl);
std::string to_string(CompareMode mode);
std::optional<StartMethod> parse_start_method(std::string_view text);
std::optional<Impl> parse_impl(std::string_view text);
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

// An expected outcome: "exit:N", "signal:NAME", "hang" (the harness killed it at the timeout),
// "crash" (killed by any signal the harness did not send).
struct Outcome {
  enum class Kind { exit, signal, hang, crash };
  Kind kind = Kind::exit;
  int value = 0;  // exit code, or signal number
  static std::optional<Outcome> parse(std::string_view text);
  std::string str() const;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

struct MetricBound {
  std::optional<double> min;
  std::optional<double> max;
};

struct NormalizeRule {
  std::string regex;    // ECMAScript syntax, applied per line
  std::string replace;  // $1-style references
};

// A documented divergence for some start method and/or implementation. Always has a reason.
struct Override {
  std::optional<StartMethod> start_method;  // empty: every start method
  std::optional<Impl> impl;                 // empty: both implementations
  std::optional<Outcome> outcome;           // replaces [expect].outcome where it applies
  bool xfail = false;                       // expected to fail: FAIL -> XFAIL, PASS -> XPASS
  bool compare = true;                      // false: skip the python/cpp output diff here
  std::string reason;
  SourceLocation where;
  bool applies_to(StartMethod method, Impl impl) const;
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
  std::vector<NormalizeRule> rules;    // [[normalize.rule]]
  std::map<std::string, std::string> params;  // passed as --param k=v

  Outcome expected_outcome;                           // [expect] outcome, default exit:0
  std::map<std::string, MetricBound> metric_bounds;   // [expect.metrics]
  std::vector<Override> overrides;                    // [[expect.override]]

  std::string area() const;  // the first component of id
  // The expected outcome and the override that set it (null if none) for one combination.
  Outcome expected_for(StartMethod method, Impl impl, const Override** from = nullptr) const;
};

// Parses and validates one case.toml. id is the case's path relative to its root. Throws CaseError.
CaseSpec load_case(const std::filesystem::path& toml_path, const std::string& id);

// A discovered case: either a spec, or the error that makes it UNRESOLVED.
struct LoadedCase {
  std::string id;
  std::filesystem::path toml_path;
  std::optional<CaseSpec> spec;
  std::string error;  // "file:line:column: message" when spec is empty
};

// Every */case.toml under each root (recursively), sorted by id. Never throws for a bad case.
std::vector<LoadedCase> discover_cases(const std::vector<std::filesystem::path>& roots);

}  // namespace parity
