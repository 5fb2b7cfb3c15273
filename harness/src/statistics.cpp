// Medians, histograms, wall-time ratios and the Mann-Whitney U test.

#include "statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parity {

std::string format_metric_value(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

Histogram outcome_histogram(const std::vector<NormalizedRun>& runs) {
  Histogram histogram;
  for (const NormalizedRun& run : runs) ++histogram[outcome_text(run.outcome)];
  return histogram;
}

std::map<std::string, Histogram> metric_histograms(const std::vector<NormalizedRun>& runs) {
  std::map<std::string, Histogram> histograms;
  for (const NormalizedRun& run : runs)
    for (const auto& [name, value] : run.metrics) ++histograms[name][format_metric_value(value)];
  return histograms;
}

double median_wall_s(const std::vector<NormalizedRun>& runs) {
  std::vector<double> walls;
  walls.reserve(runs.size());
  for (const NormalizedRun& run : runs) walls.push_back(run.record.wall_s);
  return median(std::move(walls));
}

std::optional<double> wall_time_ratio(double cpp_median_s, double python_median_s) {
  if (!(cpp_median_s > 0) || !(python_median_s > 0)) return std::nullopt;
  return cpp_median_s / python_median_s;
}

void set_ratio_to_python(CaseResult& cpp, const CaseResult& python) {
  cpp.ratio_to_python.reset();
  if (cpp.runs.empty() || python.runs.empty()) return;
  cpp.ratio_to_python = wall_time_ratio(cpp.median_wall_s, python.median_wall_s);
}

std::map<std::string, std::vector<double>> pooled_samples(const std::vector<NormalizedRun>& runs) {
  std::map<std::string, std::vector<double>> pooled;
  for (const NormalizedRun& run : runs)
    for (const auto& [name, values] : run.samples) {
      auto& all = pooled[name];
      all.insert(all.end(), values.begin(), values.end());
    }
  return pooled;
}

void summarize_samples(CaseResult& result) {
  result.sample_summaries.clear();
  result.sample_units.clear();
  for (const auto& [name, values] : pooled_samples(result.runs)) result.sample_summaries[name] = summarize(values);
  for (const NormalizedRun& run : result.runs)
    for (const auto& [name, unit] : run.sample_units) result.sample_units.emplace(name, unit);
}

void set_operation_ratios(CaseResult& cpp, const CaseResult* python) {
  cpp.operation_ratios.clear();
  const auto cpp_samples = pooled_samples(cpp.runs);
  const auto python_samples = python ? pooled_samples(python->runs) : decltype(cpp_samples){};
  auto unit_of = [](const CaseResult& result, const std::string& name) {
    auto unit = result.sample_units.find(name);
    return unit == result.sample_units.end() ? std::string() : unit->second;
  };
  constexpr std::string_view floor_prefix = "floor.";
  for (const auto& [name, values] : cpp_samples) {
    if (name.starts_with(floor_prefix)) continue;
    OperationRatios ratios;
    const std::string unit = unit_of(cpp, name);
    if (auto other = python_samples.find(name); other != python_samples.end() && unit_of(*python, name) == unit)
      ratios.to_python = median_ratio(values, other->second);
    const std::string floor_name = std::string(floor_prefix) + name;
    if (auto floor = cpp_samples.find(floor_name); floor != cpp_samples.end() && unit_of(cpp, floor_name) == unit)
      ratios.to_floor = median_ratio(values, floor->second);
    cpp.operation_ratios[name] = ratios;
  }
}

namespace {

// P(U >= u) and P(U <= u) for U = #pairs (baseline, current) with current > baseline, under H0,
// no ties. count[i][j][u]: orderings of i baseline and j current values with that U; the largest
// value is either a current one (beating all i baselines) or a baseline one.
std::pair<double, double> exact_tails(std::size_t n1, std::size_t n2, long u_observed) {
  const std::size_t max_u = n1 * n2;
  std::vector<std::vector<std::vector<double>>> count(
      n1 + 1, std::vector<std::vector<double>>(n2 + 1, std::vector<double>(max_u + 1, 0)));
  for (std::size_t i = 0; i <= n1; ++i) {
    for (std::size_t j = 0; j <= n2; ++j) {
      if (i == 0 || j == 0) {
        count[i][j][0] = 1;
        continue;
      }
      for (std::size_t u = 0; u <= i * j; ++u) {
        double ways = count[i - 1][j][u];
        if (u >= i) ways += count[i][j - 1][u - i];
        count[i][j][u] = ways;
      }
    }
  }
  double total = 0, upper = 0, lower = 0;
  for (std::size_t u = 0; u <= max_u; ++u) {
    double ways = count[n1][n2][u];
    total += ways;
    if (static_cast<long>(u) >= u_observed) upper += ways;
    if (static_cast<long>(u) <= u_observed) lower += ways;
  }
  return {upper / total, lower / total};
}

double upper_normal_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

RankTest mann_whitney_u(const std::vector<double>& baseline, const std::vector<double>& current) {
  RankTest test;
  const std::size_t n1 = baseline.size(), n2 = current.size();
  if (n1 == 0 || n2 == 0) return test;

  struct Sample {
    double value;
    bool is_current;
  };
  std::vector<Sample> all;
  for (double v : baseline) all.push_back({v, false});
  for (double v : current) all.push_back({v, true});
  std::sort(all.begin(), all.end(), [](const Sample& a, const Sample& b) { return a.value < b.value; });

  const double n = static_cast<double>(all.size());
  double rank_sum_current = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].value == all[i].value) ++j;
    double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // 1-based
    for (std::size_t k = i; k < j; ++k)
      if (all[k].is_current) rank_sum_current += mean_rank;
    double t = static_cast<double>(j - i);
    if (j - i > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }
  test.u = rank_sum_current - static_cast<double>(n2) * (n2 + 1) / 2;

  if (!ties && n1 * n2 <= 400) {  // the exact table has (n1+1)(n2+1)(n1 n2+1) entries
    test.exact = true;
    auto [upper, lower] = exact_tails(n1, n2, std::lround(test.u));
    test.p_greater = upper;
    test.p_two_sided = std::min(1.0, 2 * std::min(upper, lower));
    return test;
  }
  const double mu = static_cast<double>(n1) * n2 / 2;
  const double variance = static_cast<double>(n1) * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (!(variance > 0)) return test;  // every value equal: no evidence either way
  const double sigma = std::sqrt(variance);
  test.p_greater = std::clamp(upper_normal_tail((test.u - mu - 0.5) / sigma), 0.0, 1.0);
  double z = (std::fabs(test.u - mu) - 0.5) / sigma;
  test.p_two_sided = std::clamp(2 * upper_normal_tail(std::max(z, 0.0)), 0.0, 1.0);
  return test;
}

SlowdownVerdict detect_slowdown(const std::vector<double>& baseline_s,
                                const std::vector<double>& current_s,
                                const SlowdownOptions& options) {
  SlowdownVerdict verdict;
  double base = median(baseline_s);
  if (base > 0) verdict.ratio = median(current_s) / base;
  verdict.test = mann_whitney_u(baseline_s, current_s);
  bool enough = static_cast<int>(baseline_s.size()) >= options.min_samples &&
                static_cast<int>(current_s.size()) >= options.min_samples;
  verdict.slowdown = enough && verdict.test.p_greater < options.max_p && verdict.ratio > options.min_ratio;
  return verdict;
}

}  // namespace parity
