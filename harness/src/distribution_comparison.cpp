#include "distribution_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

namespace parity {
namespace {

// Above this many distinct numeric values a metric is treated as continuous (Kolmogorov-Smirnov);
// at or below it, as categories (chi-square), where KS would be dominated by ties.
constexpr std::size_t kMaxCategories = 10;

// The pooled runs of both sides: each run's value as an index into the ordered values, and
// whether it came from python. Values are ordered as the histograms order them (numbers first).
struct Pooled {
  std::vector<std::string> values;
  std::vector<int> value_of_run;  // python's runs first, then cpp's
  std::size_t python_runs = 0;
};

Pooled pool(const Histogram& python, const Histogram& cpp) {
  Histogram both = python;
  for (const auto& [value, count] : cpp) both[value] += 0;
  Pooled pooled;
  std::map<std::string, int, HistogramKeyLess> index;
  for (const auto& [value, count] : both) {
    index[value] = static_cast<int>(pooled.values.size());
    pooled.values.push_back(value);
  }
  for (const Histogram* side : {&python, &cpp})
    for (const auto& [value, count] : *side)
      for (int i = 0; i < count; ++i) pooled.value_of_run.push_back(index[value]);
  for (const auto& [value, count] : python) pooled.python_runs += static_cast<std::size_t>(count);
  return pooled;
}

// Pearson's chi-square of the value x side table; is_python[k] says which side run k is on.
double chi_square(const Pooled& pooled, const std::vector<char>& is_python) {
  const std::size_t n = pooled.value_of_run.size();
  std::vector<double> python(pooled.values.size()), total(pooled.values.size());
  for (std::size_t k = 0; k < n; ++k) {
    total[pooled.value_of_run[k]] += 1;
    if (is_python[k]) python[pooled.value_of_run[k]] += 1;
  }
  const double share = static_cast<double>(pooled.python_runs) / static_cast<double>(n);
  double statistic = 0;
  for (std::size_t v = 0; v < total.size(); ++v) {
    const double expected_python = total[v] * share, expected_cpp = total[v] * (1 - share);
    const double cpp = total[v] - python[v];
    if (expected_python > 0) statistic += (python[v] - expected_python) * (python[v] - expected_python) / expected_python;
    if (expected_cpp > 0) statistic += (cpp - expected_cpp) * (cpp - expected_cpp) / expected_cpp;
  }
  return statistic;
}

// The largest distance between the two empirical CDFs. Value indices are in numeric order, so
// walking the values in index order walks the CDFs.
double kolmogorov_smirnov(const Pooled& pooled, const std::vector<char>& is_python) {
  const std::size_t n = pooled.value_of_run.size();
  std::vector<double> python(pooled.values.size()), cpp(pooled.values.size());
  for (std::size_t k = 0; k < n; ++k) (is_python[k] ? python : cpp)[pooled.value_of_run[k]] += 1;
  const double n_python = static_cast<double>(pooled.python_runs);
  const double n_cpp = static_cast<double>(n - pooled.python_runs);
  double cdf_python = 0, cdf_cpp = 0, distance = 0;
  for (std::size_t v = 0; v < python.size(); ++v) {
    cdf_python += python[v] / n_python;
    cdf_cpp += cpp[v] / n_cpp;
    distance = std::max(distance, std::abs(cdf_python - cdf_cpp));
  }
  return distance;
}

bool all_numeric(const std::vector<std::string>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](const std::string& value) { return HistogramKeyLess::number(value).has_value(); });
}

int total_runs(const Histogram& histogram) {
  int runs = 0;
  for (const auto& [value, count] : histogram) runs += count;
  return runs;
}

// Values `side` shows and `other` never does whose absence there has p < level.
std::vector<SupportGap> support_only(const Histogram& side, const Histogram& other, double level) {
  const int runs = total_runs(side), other_runs = total_runs(other);
  std::vector<SupportGap> only;
  for (const auto& [value, count] : side) {
    auto seen = other.find(value);
    if (count == 0 || (seen != other.end() && seen->second > 0)) continue;
    SupportGap gap{value, count, runs, other_runs, absence_p_value(count, runs, other_runs)};
    if (gap.p_value < level) only.push_back(std::move(gap));
  }
  return only;
}

VariableComparison compare_variable(const std::string& name, const Histogram& python, const Histogram& cpp,
                                    const DistributionOptions& options) {
  VariableComparison result;
  result.name = name;
  result.python = python;
  result.cpp = cpp;
  const Pooled pooled = pool(python, cpp);
  result.alpha = options.alpha;
  result.gap_level = options.alpha / static_cast<double>(std::max<std::size_t>(1, pooled.values.size()));
  result.only_python = support_only(python, cpp, result.gap_level);
  result.only_cpp = support_only(cpp, python, result.gap_level);

  const bool continuous = pooled.values.size() > kMaxCategories && all_numeric(pooled.values);
  result.test = continuous ? "Kolmogorov-Smirnov" : "chi-square";
  auto statistic_of = [&](const std::vector<char>& is_python) {
    return continuous ? kolmogorov_smirnov(pooled, is_python) : chi_square(pooled, is_python);
  };
  std::vector<char> is_python(pooled.value_of_run.size(), 0);
  std::fill_n(is_python.begin(), pooled.python_runs, 1);
  result.statistic = statistic_of(is_python);

  // Relabel the pooled runs at random: how often does chance alone give a statistic this large?
  // The tolerance keeps ties in floating point (the same table reached by another order) counted.
  std::mt19937 random(options.seed);
  int extreme = 0;
  for (int i = 0; i < options.permutations; ++i) {
    std::shuffle(is_python.begin(), is_python.end(), random);
    if (statistic_of(is_python) >= result.statistic - 1e-9) ++extreme;
  }
  result.permutations = options.permutations;
  result.p_value = (1.0 + extreme) / (1.0 + options.permutations);
  return result;
}

std::string histogram_text(const Histogram& histogram) {
  std::string text = "{";
  for (const auto& [value, count] : histogram)
    text += (text.size() > 1 ? ", " : "") + value + ": " + std::to_string(count);
  return text + "}";
}

}  // namespace

std::vector<VariableComparison> compare_distributions(
    const Histogram& python_outcomes, const Histogram& cpp_outcomes,
    const std::map<std::string, Histogram>& python_metrics,
    const std::map<std::string, Histogram>& cpp_metrics, const DistributionOptions& options) {
  std::vector<VariableComparison> comparisons;
  if (total_runs(python_outcomes) == 0 || total_runs(cpp_outcomes) == 0) return comparisons;
  comparisons.push_back(compare_variable("outcome", python_outcomes, cpp_outcomes, options));
  for (const auto& [name, python] : python_metrics) {
    auto cpp = cpp_metrics.find(name);
    if (cpp == cpp_metrics.end() || total_runs(python) == 0 || total_runs(cpp->second) == 0) continue;
    comparisons.push_back(compare_variable(name, python, cpp->second, options));
  }
  return comparisons;
}

double absence_p_value(int shown, int runs, int other_runs) {
  // C(runs, shown) / C(runs + other_runs, shown) as a product of shown ratios, each <= 1: no
  // factorial overflows, and the product only shrinks.
  double p = 1;
  for (int i = 0; i < shown; ++i) p *= static_cast<double>(runs - i) / static_cast<double>(runs + other_runs - i);
  return p;
}

int fewest_runs_for(double alpha) {
  int runs = 1;
  while (absence_p_value(runs, runs, runs) >= alpha / 2) ++runs;
  return runs;
}

std::string p_value_text(double p_value, int permutations) {
  char text[48];
  const bool none_as_extreme = p_value * (1.0 + permutations) < 1.5;
  std::snprintf(text, sizeof text, none_as_extreme ? "p <= %.2g" : "p = %.2g", p_value);
  return text;
}

std::string describe(const VariableComparison& comparison) {
  std::string text = comparison.name + ": " + p_value_text(comparison.p_value, comparison.permutations) + " (" +
                     comparison.test + ")";
  auto only = [&comparison](const char* side, const char* other, const std::vector<SupportGap>& gaps) {
    std::string listed;
    for (const SupportGap& gap : gaps) {
      char p[64];
      std::snprintf(p, sizeof p, "p = %.2g < %g/%.0f values", gap.p_value, comparison.alpha,
                    comparison.alpha / comparison.gap_level);
      listed += (listed.empty() ? "" : ", ") + gap.value + " (" + std::to_string(gap.shown) + "/" +
                std::to_string(gap.runs) + " runs, absent from " + other + "'s " + std::to_string(gap.other_runs) +
                ": " + p + ")";
    }
    return std::string("; only ") + side + ": " + listed;
  };
  if (comparison.only_python.empty() && comparison.only_cpp.empty()) text += ", no support divergence";
  if (!comparison.only_python.empty()) text += only("python", "cpp", comparison.only_python);
  if (!comparison.only_cpp.empty()) text += only("cpp", "python", comparison.only_cpp);
  return text;
}

std::string histograms_text(const VariableComparison& comparison) {
  return "python " + histogram_text(comparison.python) + " / cpp " + histogram_text(comparison.cpp);
}

}  // namespace parity
