// load_case() and discover_cases(): case.toml through toml++ into a validated CaseSpec. Every
// rejection names the file, line and column of the offending key or value.

#include <algorithm>
#include <initializer_list>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "case_file_limits.hpp"
#include "case_loader.hpp"
#include "normalizer.hpp"
#include "regex_rule.hpp"

namespace fs = std::filesystem;

namespace parity {
namespace {

std::string type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// Reads one case.toml; every fail() throws CaseError at a node's position.
class CaseReader {
 public:
  explicit CaseReader(fs::path file) : file_(std::move(file)) {}

  SourceLocation at(const toml::source_region& region) const {
    return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  [[noreturn]] void fail(const toml::source_region& region, const std::string& message) const {
    throw CaseError(at(region), message);
  }

  // Rejects any key of `table` not in `allowed`. `where` names the table in messages.
  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                  std::string_view where) const {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
        fail(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(where) +
                               " (allowed: " + join(allowed) + ")");
    }
  }

  [[noreturn]] void wrong_type(const toml::node& node, std::string_view key,
                               std::string_view wanted) const {
    fail(node.source(), "'" + std::string(key) + "' must be " + std::string(wanted) + ", not " +
                            type_name(node.type()));
  }

  std::string string_of(const toml::node& node, std::string_view key) const {
    if (!node.is_string()) wrong_type(node, key, "a string");
    return node.as_string()->get();
  }
  std::string nonempty_string_of(const toml::node& node, std::string_view key) const {
    std::string text = string_of(node, key);
    if (text.empty()) fail(node.source(), "'" + std::string(key) + "' must not be empty");
    return text;
  }
  bool bool_of(const toml::node& node, std::string_view key) const {
    if (!node.is_boolean()) wrong_type(node, key, "a boolean (true or false)");
    return node.as_boolean()->get();
  }
  std::int64_t integer_of(const toml::node& node, std::string_view key) const {
    if (!node.is_integer()) wrong_type(node, key, "an integer");
    return node.as_integer()->get();
  }
  // Finite: nan and inf are TOML numbers too, and no bound or duration may be one.
  double number_of(const toml::node& node, std::string_view key) const {
    if (node.is_integer()) return static_cast<double>(node.as_integer()->get());
    if (!node.is_floating_point()) wrong_type(node, key, "a number");
    double value = node.as_floating_point()->get();
    if (!std::isfinite(value))
      fail(node.source(), "'" + std::string(key) + "' must be a finite number, not " +
                              (std::isnan(value) ? "nan" : "inf"));
    return value;
  }
  const toml::table& table_of(const toml::node& node, std::string_view key) const {
    if (!node.is_table()) wrong_type(node, key, "a table");
    return *node.as_table();
  }
  const toml::array& array_of(const toml::node& node, std::string_view key) const {
    if (!node.is_array()) wrong_type(node, key, "an array");
    return *node.as_array();
  }
  std::vector<std::string> strings_of(const toml::node& node, std::string_view key) const {
    std::vector<std::string> values;
    for (const toml::node& element : array_of(node, key))
      values.push_back(string_of(element, std::string(key) + " element"));
    return values;
  }

  // "exit:0" or ["exit:0", "hang"].
  std::vector<Outcome> outcomes_of(const toml::node& node) const {
    std::vector<Outcome> outcomes;
    auto one = [&](const toml::node& element) {
      std::string text = string_of(element, "outcome");
      std::optional<Outcome> outcome = Outcome::parse(text);
      if (!outcome)
        fail(element.source(), "bad outcome '" + text +
                                   "' (expected exit:N with N in 0..255, signal:NAME, hang or crash)");
      outcomes.push_back(*outcome);
    };
    if (node.is_array()) {
      for (const toml::node& element : *node.as_array()) one(element);
      if (outcomes.empty()) fail(node.source(), "'outcome' must list at least one outcome");
    } else if (node.is_string()) {
      one(node);
    } else {
      wrong_type(node, "outcome", "a string or an array of strings");
    }
    return outcomes;
  }

  NormalizeRule rule_of(const toml::node& node) const {
    const toml::table& table = table_of(node, "normalize.rule");
    check_keys(table, {"regex", "replace"}, "[[normalize.rule]]");
    NormalizeRule rule;
    const toml::node* regex = table.get("regex");
    if (!regex) fail(table.source(), "[[normalize.rule]] needs 'regex'");
    rule.regex = nonempty_string_of(*regex, "regex");
    const toml::node* replace = table.get("replace");
    if (replace) rule.replace = string_of(*replace, "replace");
    try {
      RegexRule compiled(rule.regex, rule.replace);
    } catch (const std::invalid_argument& error) {
      fail(regex->source(), "bad rule '" + rule.regex + "' -> '" + rule.replace + "': " + error.what());
    }
    return rule;
  }

  void read_normalize(const toml::node& node, CaseSpec& spec) const {
    const toml::node* sets = &node;
    if (node.is_table()) {
      const toml::table& table = *node.as_table();
      check_keys(table, {"sets", "rule"}, "[normalize]");
      sets = table.get("sets");
      if (const toml::node* rules = table.get("rule")) {
        if (!rules->is_array())
          wrong_type(*rules, "normalize.rule", "an array of tables ([[normalize.rule]])");
        for (const toml::node& rule : *rules->as_array()) spec.rules.push_back(rule_of(rule));
      }
    } else if (!node.is_array()) {
      wrong_type(node, "normalize", "an array of rule set names or a [normalize] table");
    }
    if (!sets) return;
    for (const toml::node& element : array_of(*sets, "normalize sets")) {
      std::string name = string_of(element, "normalize sets element");
      if (!is_builtin_rule_set(name))
        fail(element.source(), "unknown normalize rule set '" + name + "' (known: pids, addresses, floats)");
      if (std::find(spec.normalize.begin(), spec.normalize.end(), name) == spec.normalize.end())
        spec.normalize.push_back(name);
    }
  }

  Override override_of(const toml::node& node, const CaseSpec& spec) const {
    const toml::table& table = table_of(node, "expect.override");
    check_keys(table,
               {"start_method", "impl", "python", "outcome", "xfail", "compare", "distribution_exempt",
                "metrics", "samples", "reason"},
               "[[expect.override]]");
    Override result;
    result.where = at(table.source());
    if (const toml::node* method = table.get("start_method")) {
      std::string name = string_of(*method, "start_method");
      result.start_method = parse_start_method(name);
      if (!result.start_method)
        fail(method->source(), "unknown start method '" + name + "' (known: fork, spawn, forkserver)");
      if (!spec.runs_under(*result.start_method))
        fail(method->source(), "override for start method '" + name + "', which the case does not run under");
    }
    if (const toml::node* impl = table.get("impl")) {
      std::string name = string_of(*impl, "impl");
      result.impl = parse_impl(name);
      if (!result.impl) fail(impl->source(), "unknown impl '" + name + "' (known: python, cpp)");
    }
    if (const toml::node* python = table.get("python")) {
      std::string range = string_of(*python, "python");
      result.python = PythonRange::parse(range);
      if (!result.python)
        fail(python->source(), "python = '" + range + "': expected CPython versions as clauses such as "
                               "\">=3.12\" or \">=3.8, <3.10\" (operators < <= > >= == !=)");
    }
    if (const toml::node* outcome = table.get("outcome")) result.outcomes = outcomes_of(*outcome);
    if (const toml::node* xfail = table.get("xfail")) result.xfail = bool_of(*xfail, "xfail");
    if (const toml::node* compare = table.get("compare")) result.compare = bool_of(*compare, "compare");
    if (const toml::node* exempt = table.get("distribution_exempt")) {
      result.distribution_exempt = strings_of(*exempt, "distribution_exempt");
      for (const toml::node& element : array_of(*exempt, "distribution_exempt"))
        if (element.as_string()->get().empty())
          fail(element.source(), "distribution_exempt names a variable: \"outcome\" or a metric's name");
    }
    if (const toml::node* metrics = table.get("metrics"))
      result.metric_bounds = bounds_of(*metrics, "expect.override.metrics", true);
    if (const toml::node* samples = table.get("samples"))
      result.sample_bounds = bounds_of(*samples, "expect.override.samples", false);
    const toml::node* reason = table.get("reason");
    if (!reason) fail(table.source(), "[[expect.override]] without a 'reason': say why this differs");
    result.reason = nonempty_string_of(*reason, "reason");
    if (result.outcomes.empty() && !result.xfail && result.compare && result.distribution_exempt.empty() &&
        result.metric_bounds.empty() && result.sample_bounds.empty())
      fail(table.source(), "[[expect.override]] changes nothing: set outcome, xfail = true, compare = false, "
                           "distribution_exempt, metrics or samples");
    return result;
  }

  // [expect.metrics] or [expect.samples]: NAME = { min = N, max = N }, at least one, min <= max.
  // Metrics may also ask for a value some run reaches: some_run_min / some_run_max.
  std::map<std::string, MetricBound> bounds_of(const toml::node& node, const std::string& table,
                                               bool some_run_allowed) const {
    std::map<std::string, MetricBound> bounds;
    for (auto&& [key, bound_node] : table_of(node, table)) {
      std::string name(key.str());
      if (name.find_first_of(" \t") != std::string::npos)
        fail(key.source(), "name '" + name + "' in [" + table + "] contains whitespace");
      const toml::table& bound_table = table_of(bound_node, table + "." + name);
      if (some_run_allowed)
        check_keys(bound_table, {"min", "max", "some_run_min", "some_run_max"}, "[" + table + "] " + name);
      else
        check_keys(bound_table, {"min", "max"}, "[" + table + "] " + name);
      MetricBound bound;
      auto read = [&](const char* field, std::optional<double>& into) {
        if (const toml::node* value = bound_table.get(field)) into = number_of(*value, field);
      };
      read("min", bound.min);
      read("max", bound.max);
      read("some_run_min", bound.some_run_min);
      read("some_run_max", bound.some_run_max);
      if (!bound.min && !bound.max && !bound.some_run_min && !bound.some_run_max)
        fail(bound_node.source(), some_run_allowed
                                      ? "bound '" + name + "' needs min, max, some_run_min or some_run_max"
                                      : "bound '" + name + "' needs min or max");
      if (bound.min && bound.max && *bound.min > *bound.max)
        fail(bound_node.source(), "bound '" + name + "' has min > max");
      // A run that must reach some_run_min cannot also stay below max, nor above min, unless the
      // ranges meet.
      if ((bound.some_run_min && bound.max && *bound.some_run_min > *bound.max) ||
          (bound.some_run_max && bound.min && *bound.some_run_max < *bound.min))
        fail(bound_node.source(), "bound '" + name + "' asks some run for a value no run may have");
      bounds[name] = bound;
    }
    return bounds;
  }

  // [expect.distribution]: compare = "none" | "support" | "test", alpha in (0, 1). A comparison
  // that judges must be able to fail: each side needs fewest_runs_for(alpha) runs.
  DistributionExpectation distribution_of(const toml::node& node, int runs) const {
    const toml::table& table = table_of(node, "expect.distribution");
    check_keys(table, {"compare", "alpha"}, "[expect.distribution]");
    DistributionExpectation result;
    if (const toml::node* alpha = table.get("alpha")) {
      result.alpha = number_of(*alpha, "alpha");
      if (!(result.alpha > 0 && result.alpha < 1)) fail(alpha->source(), "alpha must be between 0 and 1");
    }
    if (const toml::node* compare = table.get("compare")) {
      const std::string mode = string_of(*compare, "compare");
      if (mode == "none") result.compare = DistributionCompare::none;
      else if (mode == "support") result.compare = DistributionCompare::support;
      else if (mode == "test") result.compare = DistributionCompare::test;
      else fail(compare->source(), "unknown distribution compare '" + mode + "' (known: none, support, test)");
      const int needed = fewest_runs_for(result.alpha);
      if (result.compare != DistributionCompare::none && runs < needed) {
        char smallest[32];
        std::snprintf(smallest, sizeof smallest, "%.2g", absence_p_value(runs, runs, runs));
        fail(compare->source(), "compare = \"" + mode + "\" cannot fail with runs = " + std::to_string(runs) +
                                    ": the smallest support p-value of " + std::to_string(runs) + " runs a side is " +
                                    smallest + ", not below alpha / 2; give the case runs >= " + std::to_string(needed));
      }
    }
    return result;
  }

  void read_expect(const toml::node& node, CaseSpec& spec) const {
    const toml::table& expect = table_of(node, "expect");
    check_keys(expect, {"outcome", "metrics", "samples", "distribution", "override", "hang_after_quiet_s"},
               "[expect]");
    if (const toml::node* outcome = expect.get("outcome")) spec.expected_outcomes = outcomes_of(*outcome);
    if (const toml::node* metrics = expect.get("metrics"))
      spec.metric_bounds = bounds_of(*metrics, "expect.metrics", true);
    if (const toml::node* samples = expect.get("samples"))
      spec.sample_bounds = bounds_of(*samples, "expect.samples", false);
    if (const toml::node* distribution = expect.get("distribution"))
      spec.distribution = distribution_of(*distribution, spec.runs);
    if (const toml::node* overrides = expect.get("override")) {
      if (!overrides->is_array())
        wrong_type(*overrides, "expect.override", "an array of tables ([[expect.override]])");
      for (const toml::node& element : *overrides->as_array()) {
        Override next = override_of(element, spec);
        check_no_overlap(next, spec);
        spec.overrides.push_back(std::move(next));
      }
    }
    if (const toml::node* quiet = expect.get("hang_after_quiet_s")) {
      spec.hang_after_quiet_s = number_of(*quiet, "hang_after_quiet_s");
      if (!(*spec.hang_after_quiet_s >= min_hang_after_quiet_s && *spec.hang_after_quiet_s <= max_timeout_s))
        fail(quiet->source(), "'hang_after_quiet_s' must be between 0.05 and 86400 (seconds)");
      const auto hangs = [](const std::vector<Outcome>& outcomes) {
        return std::any_of(outcomes.begin(), outcomes.end(),
                           [](const Outcome& outcome) { return outcome.kind == Outcome::Kind::hang; });
      };
      if (!hangs(spec.expected_outcomes) &&
          std::none_of(spec.overrides.begin(), spec.overrides.end(),
                       [&](const Override& override_) { return hangs(override_.outcomes); }))
        fail(quiet->source(), "'hang_after_quiet_s' is for runs that may hang: no expected outcome is \"hang\"");
    }
  }

  // Whether some CPython 3.x is in both overrides' python ranges (no range: every version).
  static bool python_ranges_meet(const Override& a, const Override& b) {
    if (!a.python || !b.python) return true;
    for (int minor = 0; minor <= 99; ++minor) {
      const std::string version = "3." + std::to_string(minor);
      if (a.python->admits(version) && b.python->admits(version)) return true;
    }
    return false;
  }

  // Whether two overrides could both apply to one start method x implementation x CPython.
  static bool could_both_apply(const Override& a, const Override& b) {
    const bool same_method = !a.start_method || !b.start_method || *a.start_method == *b.start_method;
    const bool same_impl = !a.impl || !b.impl || *a.impl == *b.impl;
    return same_method && same_impl && python_ranges_meet(a, b);
  }

  // A name bounded by both overrides, if any.
  static std::optional<std::string> shared_bound(const std::map<std::string, MetricBound>& a,
                                                 const std::map<std::string, MetricBound>& b) {
    for (const auto& entry : a)
      if (b.contains(entry.first)) return entry.first;
    return std::nullopt;
  }

  // Two overrides setting the outcome, or bounding the same metric or sample, for the same
  // combination would make what is expected depend on their order.
  void check_no_overlap(const Override& next, const CaseSpec& spec) const {
    for (const Override& earlier : spec.overrides) {
      if (!could_both_apply(earlier, next)) continue;
      const std::string line = std::to_string(earlier.where.line);
      if (!earlier.outcomes.empty() && !next.outcomes.empty())
        throw CaseError(next.where, "this override's outcome overlaps the one at line " + line +
                                        " (give each combination at most one outcome override)");
      std::optional<std::string> name = shared_bound(earlier.metric_bounds, next.metric_bounds);
      if (!name) name = shared_bound(earlier.sample_bounds, next.sample_bounds);
      if (name)
        throw CaseError(next.where, "this override's bound on '" + *name + "' overlaps the one at line " +
                                        line + " (give each combination at most one bound per name)");
    }
  }

  CaseSpec read(const toml::table& root, const std::string& id) const {
    check_keys(root,
               {"title", "behavior", "source", "tags", "start_methods", "timeout_s", "runs",
                "compare", "normalize", "exclusive", "params", "expect"},
               "case.toml");
    CaseSpec spec;
    spec.id = id;
    spec.toml_path = file_;
    spec.dir = file_.parent_path();
    spec.python_program = spec.dir / "case.py";
    spec.cpp_source = spec.dir / "case.cpp";

    for (std::string_view required : {"title", "behavior", "source"})
      if (!root.get(required))
        fail(root.source(), "missing required key '" + std::string(required) + "'");
    spec.title = nonempty_string_of(*root.get("title"), "title");
    spec.behavior = nonempty_string_of(*root.get("behavior"), "behavior");
    spec.source = nonempty_string_of(*root.get("source"), "source");
    if (const toml::node* tags = root.get("tags")) spec.tags = strings_of(*tags, "tags");
    if (const toml::node* methods = root.get("start_methods")) {
      spec.start_methods.clear();
      for (const toml::node& element : array_of(*methods, "start_methods")) {
        std::string name = string_of(element, "start_methods element");
        std::optional<StartMethod> method = parse_start_method(name);
        if (!method)
          fail(element.source(), "unknown start method '" + name + "' (known: fork, spawn, forkserver)");
        if (spec.runs_under(*method)) fail(element.source(), "start method '" + name + "' listed twice");
        spec.start_methods.push_back(*method);
      }
      if (spec.start_methods.empty()) fail(methods->source(), "'start_methods' must not be empty");
    }
    if (const toml::node* timeout = root.get("timeout_s")) {
      spec.timeout_s = number_of(*timeout, "timeout_s");
      if (spec.timeout_s < min_timeout_s || spec.timeout_s > max_timeout_s)
        fail(timeout->source(), "'timeout_s' must be between 0.01 and 86400 (seconds)");
    }
    if (const toml::node* runs = root.get("runs")) {
      std::int64_t count = integer_of(*runs, "runs");
      if (count < 1 || count > 100000) fail(runs->source(), "'runs' must be between 1 and 100000");
      spec.runs = static_cast<int>(count);
    }
    if (const toml::node* compare = root.get("compare")) {
      std::string name = string_of(*compare, "compare");
      std::optional<CompareMode> mode = parse_compare_mode(name);
      if (!mode) fail(compare->source(), "unknown compare mode '" + name + "' (known: ordered, unordered, none)");
      spec.compare = *mode;
    }
    if (const toml::node* normalize = root.get("normalize")) read_normalize(*normalize, spec);
    if (const toml::node* exclusive = root.get("exclusive")) spec.exclusive = bool_of(*exclusive, "exclusive");
    if (const toml::node* params = root.get("params")) {
      for (auto&& [key, value] : table_of(*params, "params")) {
        std::string name(key.str());
        if (name.empty() || name.find_first_of(std::string_view("=\0", 2)) != std::string::npos)
          fail(key.source(), "param name '" + name + "' must be non-empty and without '=' or NUL");
        if (!value.is_string())
          fail(value.source(), "param '" + name + "' must be a string (quote it), not " + type_name(value.type()));
        // A program argument ends at its first NUL: the rest would be cut silently.
        if (value.as_string()->get().find('\0') != std::string::npos)
          fail(value.source(), "param '" + name + "' contains a NUL character");
        spec.params[name] = value.as_string()->get();
      }
    }
    if (const toml::node* expect = root.get("expect")) read_expect(*expect, spec);

    SourceLocation top{file_, 1, 1};
    std::error_code ec;
    if (!fs::is_regular_file(spec.python_program, ec))
      throw CaseError(top, "missing program " + spec.python_program.string());
    if (!fs::is_regular_file(spec.cpp_source, ec))
      throw CaseError(top, "missing program " + spec.cpp_source.string());
    return spec;
  }

 private:
  fs::path file_;
};

}  // namespace

CaseSpec load_case(const fs::path& toml_path, const std::string& id) {
  CaseReader reader(toml_path);
  std::error_code ec;
  if (fs::is_directory(toml_path, ec))
    throw CaseError({toml_path, 1, 1}, "is a directory, not a case file");
  auto size = fs::file_size(toml_path, ec);
  if (ec) throw CaseError({toml_path, 1, 1}, "cannot read the file: " + ec.message());
  if (size > max_case_file_bytes)
    throw CaseError({toml_path, 1, 1},
                    "file is larger than " + std::to_string(max_case_file_bytes) + " bytes");
  std::ifstream in(toml_path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) throw CaseError({toml_path, 1, 1}, "cannot read the file");
  const std::string text = content.str();
  check_case_file_limits(text, toml_path);
  toml::table root;
  try {
    root = toml::parse(text, toml_path.string());
  } catch (const toml::parse_error& error) {
    throw CaseError(reader.at(error.source()), std::string(error.description()));
  }
  return reader.read(root, id);
}

namespace {

bool hidden(const fs::path& name) {
  std::string text = name.filename().string();
  return text.size() > 1 && text[0] == '.';
}

// The case.toml files under one root, each with its id.
std::vector<std::pair<std::string, fs::path>> case_files_under(const fs::path& root,
                                                                std::error_code& ec) {
  std::vector<std::pair<std::string, fs::path>> found;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec) && hidden(entry.path())) {
      it.disable_recursion_pending();
      continue;
    }
    // A case.toml that is not a regular file (a directory, say) is found, to be reported.
    if (entry.path().filename() != "case.toml") continue;
    if (entry.is_directory(type_ec)) it.disable_recursion_pending();
    fs::path dir = entry.path().parent_path();
    std::string id = dir.lexically_relative(root).generic_string();
    if (id.empty() || id == ".") id = fs::absolute(root).lexically_normal().filename().string();
    found.emplace_back(id, entry.path());
  }
  return found;
}

}  // namespace

std::vector<LoadedCase> discover_cases(const std::vector<fs::path>& roots) {
  std::vector<LoadedCase> cases;
  std::map<std::string, fs::path> first_seen;  // id -> the case.toml that claimed it
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      cases.push_back({root.string(), root, std::nullopt,
                       root.string() + ": not a directory of cases"});
      continue;
    }
    auto files = case_files_under(root, ec);
    if (ec) {
      cases.push_back({root.string(), root, std::nullopt, root.string() + ": " + ec.message()});
      continue;
    }
    std::sort(files.begin(), files.end());
    for (auto& [id, toml_path] : files) {
      LoadedCase loaded{id, toml_path, std::nullopt, {}};
      auto [earlier, inserted] = first_seen.emplace(id, toml_path);
      if (!inserted) {
        loaded.error = SourceLocation{toml_path, 1, 1}.str() + ": duplicate case id '" + id +
                       "', already found at " + earlier->second.string();
      } else {
        try {
          loaded.spec = load_case(toml_path, id);
        } catch (const std::exception& error) {
          loaded.error = error.what();
        }
      }
      cases.push_back(std::move(loaded));
    }
  }
  std::stable_sort(cases.begin(), cases.end(),
                   [](const LoadedCase& a, const LoadedCase& b) { return a.id < b.id; });
  return cases;
}

}  // namespace parity
