#pragma once
// Change points in a noisy series (one value per nightly run, e.g. an operation's median time):
// where the level of the series shifted and stayed shifted.
//
// Method: E-divisive means (Matteson & James 2014, alpha = 1), as MongoDB and Apache Otava (Hunter)
// use for their nightly performance series. The candidate split of a segment is where the energy
// distance between the values before and after it, scaled by n1 n2 / (n1 + n2), is largest;
// splitting recurses into the parts, taking the strongest candidate of all segments first. A
// candidate counts only when the two sides differ by the Mann-Whitney U test (two-sided p times
// the number of splits the segment offered below max_p: Bonferroni, since the split tested is the
// best of them) and their medians by at least min_relative_change.
//
// Why this one: it assumes no distribution (timings are skewed, with outliers that would pull a
// mean-based cost such as PELT's Gaussian likelihood), needs no penalty tuned to each series'
// noise (PELT's), and finds several shifts in one series. Otava replaced the original permutation
// test by a t-test to be deterministic and fast; here the rank test plays that part (deterministic,
// robust to the outliers a t-test is not), so a report built twice from one history is identical.

#include <cstddef>
#include <vector>

namespace parity {

struct ChangePointOptions {
  std::size_t min_segment = 3;        // points each side of a change at least
  double max_p = 0.01;                // two-sided Mann-Whitney p of the two sides, Bonferroni-adjusted
  double min_relative_change = 0.05;  // |median after / median before - 1|
};

struct ChangePoint {
  std::size_t index = 0;     // the first point of the new level
  double before_median = 0;  // of the segment before it (up to the previous change point)
  double after_median = 0;   // of the segment after it (up to the next change point)
  double relative_change = 0;  // after / before - 1
  double p = 1;              // of the rank test that accepted it, adjusted
};

// Ascending by index; empty for a series too short to split.
std::vector<ChangePoint> detect_change_points(const std::vector<double>& series,
                                              const ChangePointOptions& options = {});

}  // namespace parity
