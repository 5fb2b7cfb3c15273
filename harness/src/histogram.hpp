#pragma once
// A histogram of run results (an outcome or a metric value, as printed -> number of runs), in the
// order reports list it.

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace parity {

// Histogram keys in reading order: numbers by value ("4" before "10") and before any text; text
// (outcomes) alphabetically.
struct HistogramKeyLess {
  bool operator()(const std::string& a, const std::string& b) const {
    std::optional<double> x = number(a), y = number(b);
    if (x && y && *x != *y) return *x < *y;
    if (x.has_value() != y.has_value()) return x.has_value();
    return a < b;
  }
  static std::optional<double> number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || value != value) return std::nullopt;  // value != value: NaN
    return value;
  }
};

// A histogram: value -> number of runs.
using Histogram = std::map<std::string, int, HistogramKeyLess>;

}  // namespace parity
