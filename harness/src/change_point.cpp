// E-divisive means with a rank-test acceptance (change_point.hpp).

#include "change_point.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "statistics.hpp"

namespace parity {
namespace {

struct Candidate {
  std::size_t begin = 0, end = 0;  // the segment [begin, end)
  std::size_t split = 0;           // the first index of its right part
  double energy = 0;               // the scaled energy distance at the split
};

// The best split of series[begin, end) with at least min_segment points a side, or none.
// Q(tau) = n1 n2 / (n1 + n2) * (2/(n1 n2) X - 2/(n1 (n1-1)) L - 2/(n2 (n2-1)) R), where X sums
// |a - b| across the split and L, R within each side; all updated in O(n) per step from the
// distance matrix, O(n^2) per segment.
std::optional<Candidate> best_split(const std::vector<double>& series, std::size_t begin, std::size_t end,
                                    std::size_t min_segment) {
  std::size_t n = end - begin;
  std::size_t least = std::max<std::size_t>(min_segment, 2);
  if (n < 2 * least) return std::nullopt;
  auto distance = [&](std::size_t i, std::size_t j) { return std::fabs(series[i] - series[j]); };
  double total = 0;  // every pair of the segment
  for (std::size_t i = begin; i < end; ++i)
    for (std::size_t j = i + 1; j < end; ++j) total += distance(i, j);
  double left = 0;    // pairs within [begin, tau)
  double right = total;  // pairs within [tau, end)
  std::optional<Candidate> best;
  for (std::size_t tau = begin + 1; tau + least <= end; ++tau) {
    // Move point tau - 1 from the right part to the left.
    std::size_t moved = tau - 1;
    for (std::size_t i = begin; i < moved; ++i) left += distance(i, moved);
    for (std::size_t j = moved + 1; j < end; ++j) right -= distance(moved, j);
    double n1 = static_cast<double>(tau - begin), n2 = static_cast<double>(end - tau);
    if (tau - begin < least) continue;
    double across = total - left - right;
    double energy = 2 * across / (n1 * n2) - 2 * left / (n1 * (n1 - 1)) - 2 * right / (n2 * (n2 - 1));
    double scaled = n1 * n2 / (n1 + n2) * energy;
    if (!best || scaled > best->energy) best = Candidate{begin, end, tau, scaled};
  }
  return best;
}

std::vector<double> slice(const std::vector<double>& series, std::size_t begin, std::size_t end) {
  return {series.begin() + static_cast<std::ptrdiff_t>(begin), series.begin() + static_cast<std::ptrdiff_t>(end)};
}

double relative_change(double before, double after) {
  if (before == 0) return after == 0 ? 0 : INFINITY;
  return after / before - 1;
}

}  // namespace

std::vector<ChangePoint> detect_change_points(const std::vector<double>& series,
                                              const ChangePointOptions& options) {
  for (double value : series)
    if (!std::isfinite(value)) return {};
  std::vector<std::size_t> splits;           // accepted, any order
  std::vector<std::pair<std::size_t, std::size_t>> open = {{0, series.size()}};  // segments to try
  std::vector<std::pair<std::size_t, double>> accepted_p;
  while (!open.empty()) {
    // The strongest candidate of all open segments is tested first (E-divisive's order).
    std::optional<Candidate> strongest;
    std::size_t strongest_at = 0;
    for (std::size_t i = 0; i < open.size(); ++i) {
      auto candidate = best_split(series, open[i].first, open[i].second, options.min_segment);
      if (candidate && (!strongest || candidate->energy > strongest->energy)) {
        strongest = candidate;
        strongest_at = i;
      }
    }
    if (!strongest) break;
    open.erase(open.begin() + static_cast<std::ptrdiff_t>(strongest_at));
    auto before = slice(series, strongest->begin, strongest->split);
    auto after = slice(series, strongest->split, strongest->end);
    // The split was chosen as the strongest of the segment's candidates: Bonferroni over them, so
    // that choice does not pass for significance.
    std::size_t least = std::max<std::size_t>(options.min_segment, 2);
    double candidates = static_cast<double>(strongest->end - strongest->begin - 2 * least + 1);
    double p = std::min(1.0, mann_whitney_u(before, after).p_two_sided * candidates);
    double change = relative_change(median(before), median(after));
    if (p >= options.max_p || std::fabs(change) < options.min_relative_change) continue;  // final
    splits.push_back(strongest->split);
    accepted_p.emplace_back(strongest->split, p);
    open.emplace_back(strongest->begin, strongest->split);
    open.emplace_back(strongest->split, strongest->end);
  }
  std::sort(splits.begin(), splits.end());
  std::vector<ChangePoint> points;
  for (std::size_t k = 0; k < splits.size(); ++k) {
    std::size_t begin = k == 0 ? 0 : splits[k - 1];
    std::size_t end = k + 1 == splits.size() ? series.size() : splits[k + 1];
    ChangePoint point;
    point.index = splits[k];
    point.before_median = median(slice(series, begin, splits[k]));
    point.after_median = median(slice(series, splits[k], end));
    point.relative_change = relative_change(point.before_median, point.after_median);
    for (const auto& [split, p] : accepted_p)
      if (split == splits[k]) point.p = p;
    points.push_back(point);
  }
  return points;
}

}  // namespace parity
