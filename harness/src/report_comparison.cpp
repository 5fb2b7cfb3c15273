// compare_reports and the readers that turn a JSON report or a run's results into ComparableRuns.

#include "report_comparison.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "statistics.hpp"

namespace parity {
namespace {

using json = nlohmann::json;

std::optional<ResultCode> parse_result_code(const std::string& name) {
  for (const ResultCodeInfo& entry : all_result_codes())
    if (entry.name == name) return entry.code;
  return std::nullopt;
}

std::string string_field(const json& object, const char* key, const std::string& where) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string())
    throw std::runtime_error(where + ": '" + key + "' is missing or not a string");
  return found->get<std::string>();
}

// "1a2b3c4d5e6f, dirty (2026-05-01T10:00:00Z)" from the report's metadata, when it has any.
std::string label_of(const json& report, const std::string& fallback) {
  std::string label;
  if (auto metadata = report.find("metadata"); metadata != report.end() && metadata->is_object()) {
    std::string commit = metadata->value("git_commit", std::string());
    if (!commit.empty()) {
      label = commit.substr(0, 12);
      if (metadata->value("git_dirty", json()).is_boolean() && (*metadata)["git_dirty"].get<bool>())
        label += ", dirty";
    }
  }
  if (label.empty()) return fallback;
  std::string started = report.value("started_at", std::string());
  return started.empty() ? label : label + " (" + started + ")";
}

bool is_floor(const std::string& metric) { return metric.rfind("floor.", 0) == 0; }

}  // namespace

void add_run_samples(ComparableResult& result, const std::map<std::string, std::vector<double>>& samples,
                     const std::map<std::string, std::string>& units) {
  auto unit_of = [&](const std::string& name) {
    auto unit = units.find(name);
    return unit == units.end() ? std::string() : unit->second;
  };
  for (const auto& [name, values] : samples) {
    auto& pooled = result.samples[name];
    pooled.insert(pooled.end(), values.begin(), values.end());
    if (!values.empty()) result.run_medians[name].push_back(median(values));
    result.units.emplace(name, unit_of(name));
    if (is_floor(name)) continue;
    auto floor = samples.find("floor." + name);
    if (floor == samples.end() || floor->second.size() != values.size() ||
        unit_of(floor->first) != unit_of(name))
      continue;
    const bool rate = is_rate_unit(unit_of(name));
    std::vector<double> relative;
    for (std::size_t i = 0; i < values.size(); ++i) {
      double cost = rate ? floor->second[i] / values[i] : values[i] / floor->second[i];
      if (std::isfinite(cost)) relative.push_back(cost);
    }
    if (relative.empty()) continue;
    const std::string relative_name = name + floor_suffix;
    result.run_medians[relative_name].push_back(median(relative));
    auto& pooled_relative = result.samples[relative_name];
    pooled_relative.insert(pooled_relative.end(), relative.begin(), relative.end());
    result.units.emplace(relative_name, floor_relative_unit);
  }
}

namespace {

ResultKey key_of(const json& entry, const std::string& where) {
  std::string method = string_field(entry, "start_method", where);
  std::string impl = string_field(entry, "impl", where);
  std::optional<StartMethod> parsed_method = parse_start_method(method);
  std::optional<Impl> parsed_impl = parse_impl(impl);
  if (!parsed_method) throw std::runtime_error(where + ": unknown start_method '" + method + "'");
  if (!parsed_impl) throw std::runtime_error(where + ": unknown impl '" + impl + "'");
  return {string_field(entry, "case", where), *parsed_method, *parsed_impl};
}

}  // namespace

bool is_rate_unit(const std::string& unit) { return unit == "items/s" || unit == "B/s"; }

std::string to_string(Transition transition) {
  switch (transition) {
    case Transition::regression: return "regression";
    case Transition::fix: return "fix";
    case Transition::changed: return "changed";
    case Transition::added: return "new";
    case Transition::removed: return "gone";
  }
  return "?";
}

std::string to_string(MetricVerdict verdict) {
  switch (verdict) {
    case MetricVerdict::slowdown: return "slower";
    case MetricVerdict::speedup: return "faster";
    case MetricVerdict::unchanged: return "same";
    case MetricVerdict::not_in_every_run: return "not in every run";
    case MetricVerdict::too_few_samples: return "too few samples";
    case MetricVerdict::units_differ: return "units differ";
  }
  return "?";
}

ComparableRun comparable_from_json(const json& report, const std::string& label_fallback) {
  if (!report.is_object() || report.value("schema", std::string()) != "parity-report/1")
    throw std::runtime_error(label_fallback + ": not a parity report (want \"schema\": \"parity-report/1\")");
  auto results = report.find("results");
  if (results == report.end() || !results->is_array())
    throw std::runtime_error(label_fallback + ": 'results' is missing or not an array");
  ComparableRun run;
  run.label = label_of(report, label_fallback);
  for (std::size_t i = 0; i < results->size(); ++i) {
    const json& entry = (*results)[i];
    const std::string where = label_fallback + ": results[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw std::runtime_error(where + ": not an object");
    ComparableResult result;
    std::string code = string_field(entry, "result", where);
    std::optional<ResultCode> parsed = parse_result_code(code);
    if (!parsed) throw std::runtime_error(where + ": unknown result '" + code + "'");
    result.code = *parsed;
    try {
      for (const json& one : entry.value("runs", json::array()))
        add_run_samples(result, one.value("samples", std::map<std::string, std::vector<double>>()),
                    one.value("sample_units", std::map<std::string, std::string>()));
    } catch (const json::exception& error) {
      throw std::runtime_error(where + ": malformed samples: " + error.what());
    }
    run.results[key_of(entry, where)] = std::move(result);
  }
  return run;
}

ComparableRun comparable_from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  json report;
  try {
    report = json::parse(in);
  } catch (const json::exception& error) {
    throw std::runtime_error(path + ": not JSON: " + error.what());
  }
  return comparable_from_json(report, path);
}

ComparableRun comparable_from_results(const std::vector<CaseResult>& results, const std::string& label) {
  ComparableRun run;
  run.label = label;
  for (const CaseResult& case_result : results) {
    ComparableResult result;
    result.code = case_result.code;
    for (const NormalizedRun& one : case_result.runs) add_run_samples(result, one.samples, one.sample_units);
    run.results[{case_result.case_id, case_result.start_method, case_result.impl}] = std::move(result);
  }
  return run;
}

int RunComparison::regressions() const {
  int count = 0;
  for (const auto& change : conformance) count += change.transition == Transition::regression;
  return count;
}

int RunComparison::gated_slowdowns() const {
  int count = 0;
  for (const auto& change : metrics) count += change.gated && change.verdict == MetricVerdict::slowdown;
  return count;
}

namespace {

// The pooled samples and the runs' medians of one metric on one side.
struct MetricSamples {
  const std::vector<double>& pooled;
  const std::vector<double>& runs;
};

// has_floor_relative: the metric's cost relative to its floor is compared too, and gates instead.
MetricChange compare_metric(const ResultKey& key, const std::string& metric, const std::string& unit,
                            MetricSamples base_samples, MetricSamples new_samples,
                            bool has_floor_relative, const GateOptions& options) {
  const std::vector<double>& base = base_samples.pooled;
  const std::vector<double>& current = new_samples.pooled;
  MetricChange change;
  change.key = key;
  change.metric = metric;
  change.unit = unit;
  change.base = summarize(base);
  change.current = summarize(current);
  change.gated = std::get<2>(key) == Impl::cpp && !is_floor(metric) && !has_floor_relative;
  // Larger is slower for times and costs; for rates smaller is. The samples ordered so that "the
  // second tends to be larger" means "new is slower".
  const bool time = !is_rate_unit(unit);
  const std::vector<double>& low_is_fast_base = time ? base : current;
  const std::vector<double>& low_is_fast_new = time ? current : base;
  change.cost_ratio = median_ratio(low_is_fast_new, low_is_fast_base);

  SlowdownOptions threshold;
  threshold.max_p = options.max_p;
  threshold.min_ratio = 1 + options.min_effect;
  threshold.min_samples = options.min_samples;
  SlowdownVerdict slower = detect_slowdown(low_is_fast_base, low_is_fast_new, threshold);
  SlowdownVerdict faster = detect_slowdown(low_is_fast_new, low_is_fast_base, threshold);
  const int fewest = static_cast<int>(std::min(base.size(), current.size()));
  if (fewest < options.min_samples) {
    change.verdict = MetricVerdict::too_few_samples;
    change.p = slower.test.p_greater;
  } else if (slower.slowdown) {
    change.verdict = MetricVerdict::slowdown;
    change.p = slower.test.p_greater;
  } else if (faster.slowdown) {
    change.verdict = MetricVerdict::speedup;
    change.p = faster.test.p_greater;
  } else {
    change.verdict = MetricVerdict::unchanged;
    change.p = slower.test.p_greater;
  }
  const std::vector<double>& base_runs = time ? base_samples.runs : new_samples.runs;
  const std::vector<double>& new_runs = time ? new_samples.runs : base_samples.runs;
  const int fewest_runs = static_cast<int>(std::min(base_runs.size(), new_runs.size()));
  if (fewest_runs >= options.min_runs &&
      (change.verdict == MetricVerdict::slowdown || change.verdict == MetricVerdict::speedup)) {
    const bool slowdown = change.verdict == MetricVerdict::slowdown;
    change.runs_p = slowdown ? mann_whitney_u(base_runs, new_runs).p_greater
                             : mann_whitney_u(new_runs, base_runs).p_greater;
    if (*change.runs_p > options.runs_max_p + 1e-12) change.verdict = MetricVerdict::not_in_every_run;
  }
  return change;
}


Transition transition_of(ResultCode base, ResultCode current) {
  if (!is_failure(base) && is_failure(current)) return Transition::regression;
  if (is_failure(base) && !is_failure(current)) return Transition::fix;
  return Transition::changed;
}

}  // namespace

RunComparison compare_reports(const ComparableRun& base, const ComparableRun& current,
                              const GateOptions& options) {
  RunComparison comparison;
  comparison.base_label = base.label;
  comparison.new_label = current.label;
  comparison.options = options;
  for (const auto& [key, old_result] : base.results) {
    auto found = current.results.find(key);
    if (found == current.results.end()) {
      comparison.conformance.push_back({key, old_result.code, std::nullopt, Transition::removed});
      continue;
    }
    const ComparableResult& new_result = found->second;
    if (old_result.code != new_result.code)
      comparison.conformance.push_back(
          {key, old_result.code, new_result.code, transition_of(old_result.code, new_result.code)});
    for (const auto& [metric, old_samples] : old_result.samples) {
      auto samples = new_result.samples.find(metric);
      if (samples == new_result.samples.end()) continue;
      auto old_unit = old_result.units.find(metric);
      auto new_unit = new_result.units.find(metric);
      std::string unit = old_unit == old_result.units.end() ? "" : old_unit->second;
      // A unit that changed makes the numbers incomparable: say so rather than guess.
      if (new_unit == new_result.units.end() || new_unit->second != unit) {
        MetricChange change;
        change.key = key;
        change.metric = metric;
        change.unit = unit + " -> " + (new_unit == new_result.units.end() ? "?" : new_unit->second);
        change.verdict = MetricVerdict::units_differ;
        comparison.metrics.push_back(std::move(change));
        continue;
      }
      const bool has_floor_relative = old_result.samples.count(metric + floor_suffix) &&
                                      new_result.samples.count(metric + floor_suffix);
      static const std::vector<double> none;
      auto runs_of = [&](const ComparableResult& result) -> const std::vector<double>& {
        auto runs = result.run_medians.find(metric);
        return runs == result.run_medians.end() ? none : runs->second;
      };
      comparison.metrics.push_back(compare_metric(key, metric, unit, {old_samples, runs_of(old_result)},
                                                  {samples->second, runs_of(new_result)},
                                                  has_floor_relative, options));
    }
  }
  for (const auto& [key, new_result] : current.results)
    if (!base.results.count(key))
      comparison.conformance.push_back({key, std::nullopt, new_result.code, Transition::added});
  return comparison;
}

}  // namespace parity
