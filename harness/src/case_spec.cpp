// The case model's small functions: names of enums, locations, overrides, expectations.
// Loading and discovery live in case_loader.cpp.

#include "case_spec.hpp"

#include <algorithm>
#include <regex>

namespace parity {

std::string to_string(StartMethod method) {
  switch (method) {
    case StartMethod::fork: return "fork";
    case StartMethod::spawn: return "spawn";
    case StartMethod::forkserver: return "forkserver";
  }
  return "?";
}

std::string to_string(Impl impl) { return impl == Impl::python ? "python" : "cpp"; }

std::string to_string(CompareMode mode) {
  switch (mode) {
    case CompareMode::ordered: return "ordered";
    case CompareMode::unordered: return "unordered";
    case CompareMode::none: return "none";
  }
  return "?";
}

std::optional<StartMethod> parse_start_method(std::string_view text) {
  for (StartMethod method : all_start_methods)
    if (to_string(method) == text) return method;
  return std::nullopt;
}

std::optional<Impl> parse_impl(std::string_view text) {
  if (text == "python") return Impl::python;
  if (text == "cpp") return Impl::cpp;
  return std::nullopt;
}

std::optional<CompareMode> parse_compare_mode(std::string_view text) {
  for (CompareMode mode : {CompareMode::ordered, CompareMode::unordered, CompareMode::none})
    if (to_string(mode) == text) return mode;
  return std::nullopt;
}

std::chrono::milliseconds scaled_timeout(double timeout_s, double multiplier) {
  const double ms = timeout_s * multiplier * 1000.0;
  if (!(ms >= 1)) return std::chrono::milliseconds(1);
  if (!(ms < static_cast<double>(max_scaled_timeout.count()))) return max_scaled_timeout;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::string SourceLocation::str() const {
  return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

CaseError::CaseError(const SourceLocation& where, const std::string& message)
    : std::runtime_error(where.str() + ": " + message), where_(where) {}

std::optional<PythonRange> PythonRange::parse(std::string_view text) {
  static const std::regex clause(R"(\s*(<=|>=|==|!=|<|>)\s*(\d+)\.(\d+)\s*)");
  PythonRange range;
  range.text = std::string(text);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string part(text.substr(start, comma - start));
    std::smatch match;
    if (!std::regex_match(part, match, clause)) return std::nullopt;
    range.clauses.push_back({match[1], std::stoi(match[2]), std::stoi(match[3])});
    start = comma + 1;
  }
  return range;
}

bool PythonRange::admits(const std::string& version) const {
  static const std::regex numbers(R"((\d+)\.(\d+)(?:\..*)?)");
  std::smatch match;
  if (!std::regex_match(version, match, numbers)) return false;
  const std::pair<int, int> have{std::stoi(match[1]), std::stoi(match[2])};
  for (const Clause& clause : clauses) {
    const std::pair<int, int> bound{clause.major, clause.minor};
    const bool holds = clause.op == "<"    ? have < bound
                       : clause.op == "<=" ? have <= bound
                       : clause.op == ">"  ? have > bound
                       : clause.op == ">=" ? have >= bound
                       : clause.op == "==" ? have == bound
                                           : have != bound;
    if (!holds) return false;
  }
  return true;
}

bool Override::applies_to(StartMethod method, Impl which, const std::string& python_version) const {
  return (!start_method || *start_method == method) && (!impl || *impl == which) &&
         (!python || python->admits(python_version));
}

std::string Expectation::outcomes_str() const {
  std::string text;
  for (const Outcome& outcome : outcomes) {
    if (!text.empty()) text += " | ";
    text += outcome.str();
  }
  return text;
}

std::string Expectation::reasons() const {
  std::string text;
  for (const Override* applied : overrides) {
    if (!text.empty()) text += "; ";
    text += applied->reason;
  }
  return text;
}

std::string CaseSpec::area() const {
  auto slash = id.find('/');
  return slash == std::string::npos ? id : id.substr(0, slash);
}

bool CaseSpec::runs_under(StartMethod method) const {
  for (StartMethod listed : start_methods)
    if (listed == method) return true;
  return false;
}

std::vector<Outcome> CaseSpec::expected_for(StartMethod method, Impl impl, const Override** from,
                                            const std::string& python_version) const {
  if (from) *from = nullptr;
  // The loader guarantees at most one outcome-setting override applies to any combination.
  for (const Override& candidate : overrides) {
    if (!candidate.outcomes.empty() && candidate.applies_to(method, impl, python_version)) {
      if (from) *from = &candidate;
      return candidate.outcomes;
    }
  }
  return expected_outcomes;
}

bool CaseSpec::may_hang(StartMethod method, Impl impl, const std::string& python_version) const {
  const std::vector<Outcome> outcomes = expected_for(method, impl, nullptr, python_version);
  return std::any_of(outcomes.begin(), outcomes.end(),
                     [](const Outcome& outcome) { return outcome.kind == Outcome::Kind::hang; });
}

Expectation CaseSpec::expectation_for(StartMethod method, Impl impl,
                                      const std::string& python_version) const {
  Expectation expectation;
  expectation.outcomes = expected_for(method, impl, nullptr, python_version);
  expectation.metric_bounds = metric_bounds;
  expectation.sample_bounds = sample_bounds;
  for (const Override& candidate : overrides) {
    if (!candidate.applies_to(method, impl, python_version)) continue;
    expectation.overrides.push_back(&candidate);
    expectation.xfail = expectation.xfail || candidate.xfail;
    expectation.compare = expectation.compare && candidate.compare;
    expectation.distribution_exempt.insert(candidate.distribution_exempt.begin(), candidate.distribution_exempt.end());
    for (const auto& [name, bound] : candidate.metric_bounds) expectation.metric_bounds[name] = bound;
    for (const auto& [name, bound] : candidate.sample_bounds) expectation.sample_bounds[name] = bound;
  }
  return expectation;
}

std::vector<std::string> CaseSpec::program_arguments(StartMethod method) const {
  std::vector<std::string> arguments{"--start-method", to_string(method)};
  for (const auto& [key, value] : params) {  // std::map: sorted by key
    arguments.push_back("--param");
    arguments.push_back(key + "=" + value);
  }
  return arguments;
}

}  // namespace parity
