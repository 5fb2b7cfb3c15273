#pragma once
// Statistics of benchmark samples (@sample lines): a median with its confidence interval by order
// statistics, the spread (IQR and MAD), and the ratio of two medians with a bootstrap confidence
// interval. Distribution-free: timings are skewed and heavy-tailed, so nothing here assumes a
// normal distribution. Deterministic: the same samples always give the same interval.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace parity {

// The median of the samples (the mean of the middle two for an even count); 0 for no samples.
double median(std::vector<double> samples);

// The q-quantile (0 <= q <= 1) by linear interpolation between order statistics (Hyndman and
// Fan's type 7, numpy's default); 0 for no samples.
double quantile(std::vector<double> samples, double q);

// A confidence interval of the median from order statistics: [x(k), x(n-k+1)] of the sorted
// samples, with the largest k whose coverage 1 - 2 P(Binomial(n, 1/2) < k) is at least the level
// asked for. Exact for any continuous distribution. Fewer than 6 samples cannot reach 95%: the
// interval is then the whole range and `coverage` says what it really is.
struct MedianInterval {
  double low = 0;
  double high = 0;
  double coverage = 0;  // the interval's true confidence level, 0 for no samples
};
MedianInterval median_interval(std::vector<double> samples, double confidence = 0.95);

// One metric on one side: what reports show.
struct SampleSummary {
  std::size_t n = 0;
  double median = 0;
  MedianInterval median_ci;  // 95%
  double q1 = 0;             // quartiles (type 7): IQR = q3 - q1
  double q3 = 0;
  double mad = 0;            // median absolute deviation from the median (unscaled)
  double iqr() const noexcept { return q3 - q1; }
};
SampleSummary summarize(const std::vector<double>& samples);

// median(numerator) / median(denominator) with a percentile bootstrap confidence interval: each
// resample draws both sides again with replacement (they are independent samples) and takes the
// ratio of their medians.
struct RatioEstimate {
  double ratio = 0;
  double low = 0;
  double high = 0;
};
struct BootstrapOptions {
  double confidence = 0.95;
  int resamples = 2000;
  std::uint64_t seed = 0x9e3779b97f4a7c15ull;  // fixed: reports are reproducible
};
// Empty when a side has no samples or a median (or a resampled one) of the denominator is not
// positive.
std::optional<RatioEstimate> median_ratio(const std::vector<double>& numerator,
                                          const std::vector<double>& denominator,
                                          const BootstrapOptions& options = {});

}  // namespace parity
