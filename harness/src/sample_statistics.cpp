// Medians, quantiles, order-statistic intervals and the bootstrap ratio of medians.

#include "sample_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace parity {

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::size_t middle = samples.size() / 2;
  std::nth_element(samples.begin(), samples.begin() + middle, samples.end());
  double upper = samples[middle];
  if (samples.size() % 2 == 1) return upper;
  double lower = *std::max_element(samples.begin(), samples.begin() + middle);
  return (lower + upper) / 2;
}

namespace {

// Type-7 quantile of already sorted samples.
double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  std::size_t below = static_cast<std::size_t>(std::floor(position));
  std::size_t above = std::min(below + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

// P(Binomial(n, 1/2) = j), in log space so that large n does not underflow.
double half_binomial_pmf(std::size_t n, std::size_t j) {
  double log_choose = std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(j) + 1) -
                      std::lgamma(static_cast<double>(n - j) + 1);
  return std::exp(log_choose - static_cast<double>(n) * std::log(2.0));
}

}  // namespace

double quantile(std::vector<double> samples, double q) {
  std::sort(samples.begin(), samples.end());
  return sorted_quantile(samples, q);
}

MedianInterval median_interval(std::vector<double> samples, double confidence) {
  MedianInterval interval;
  if (samples.empty()) return interval;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  // [x(k), x(n-k+1)] (1-based) misses the median when at most k-1 samples fall below it or at most
  // k-1 above it: coverage(k) = 1 - 2 P(B <= k-1). Widen from the inside out: the largest k (the
  // narrowest interval) that still covers enough.
  std::size_t k = 1;
  double below_k = half_binomial_pmf(n, 0);  // P(B <= k-1)
  while (k < (n + 1) / 2) {
    double next_below = below_k + half_binomial_pmf(n, k);  // P(B <= k)
    if (1 - 2 * next_below < confidence) break;
    below_k = next_below;
    ++k;
  }
  interval.low = samples[k - 1];
  interval.high = samples[n - k];
  interval.coverage = std::max(0.0, 1 - 2 * below_k);
  return interval;
}

SampleSummary summarize(const std::vector<double>& samples) {
  SampleSummary summary;
  summary.n = samples.size();
  if (samples.empty()) return summary;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  summary.median = sorted_quantile(sorted, 0.5);
  summary.median_ci = median_interval(sorted);
  summary.q1 = sorted_quantile(sorted, 0.25);
  summary.q3 = sorted_quantile(sorted, 0.75);
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (double value : sorted) deviations.push_back(std::fabs(value - summary.median));
  summary.mad = median(std::move(deviations));
  return summary;
}

std::optional<RatioEstimate> median_ratio(const std::vector<double>& numerator,
                                          const std::vector<double>& denominator,
                                          const BootstrapOptions& options) {
  if (numerator.empty() || denominator.empty()) return std::nullopt;
  double base = median(denominator);
  if (!(base > 0)) return std::nullopt;
  RatioEstimate estimate;
  estimate.ratio = median(numerator) / base;

  std::mt19937_64 random(options.seed);
  auto resampled_median = [&](const std::vector<double>& samples, std::vector<double>& scratch) {
    std::uniform_int_distribution<std::size_t> pick(0, samples.size() - 1);
    scratch.resize(samples.size());
    for (double& value : scratch) value = samples[pick(random)];
    return median(scratch);
  };
  std::vector<double> ratios, scratch;
  ratios.reserve(static_cast<std::size_t>(std::max(options.resamples, 1)));
  for (int i = 0; i < options.resamples; ++i) {
    double top = resampled_median(numerator, scratch);
    double bottom = resampled_median(denominator, scratch);
    if (!(bottom > 0)) return std::nullopt;
    ratios.push_back(top / bottom);
  }
  std::sort(ratios.begin(), ratios.end());
  double tail = (1 - options.confidence) / 2;
  estimate.low = sorted_quantile(ratios, tail);
  estimate.high = sorted_quantile(ratios, 1 - tail);
  return estimate;
}

}  // namespace parity
