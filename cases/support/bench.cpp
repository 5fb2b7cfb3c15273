// Timed batches and @sample lines (parity/bench.hpp). Mirrors cases/support/bench.py.

#include "parity/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace parity::bench {

std::string_view unit_name(Unit unit) noexcept {
  switch (unit) {
    case Unit::ns: return "ns";
    case Unit::us: return "us";
    case Unit::ms: return "ms";
    case Unit::s: return "s";
    case Unit::items_per_s: return "items/s";
    case Unit::bytes_per_s: return "B/s";
  }
  return "s";
}

double sample_value(Unit unit, double seconds, double amount) noexcept {
  switch (unit) {
    case Unit::ns: return seconds / amount * 1e9;
    case Unit::us: return seconds / amount * 1e6;
    case Unit::ms: return seconds / amount * 1e3;
    case Unit::s: return seconds / amount;
    case Unit::items_per_s:
    case Unit::bytes_per_s: return amount / seconds;
  }
  return 0;
}

void print_sample(std::string_view name, double value, Unit unit) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  std::cout << "@sample " << name << ' ' << text << ' ' << unit_name(unit) << std::endl;
}

Batches batches_from(const CaseArgs& args, Batches defaults) {
  const long long warmup = args.int_param("warmup", defaults.warmup);
  const long long timed = args.int_param("batches", defaults.timed);
  const long long size = args.int_param("batch_size", defaults.size);
  if (warmup < 0) throw CaseUsageError("argument --param: warmup=" + std::to_string(warmup) + ": must be >= 0");
  if (timed < 1) throw CaseUsageError("argument --param: batches=" + std::to_string(timed) + ": must be >= 1");
  if (size < 1) throw CaseUsageError("argument --param: batch_size=" + std::to_string(size) + ": must be >= 1");
  return Batches{.warmup = static_cast<int>(warmup), .timed = static_cast<int>(timed), .size = size};
}

std::vector<std::vector<double>> run_batches(const Batches& batches, const std::vector<Series>& series) {
  for (int round = 0; round < batches.warmup; ++round) {
    for (const Series& one : series) one.batch(batches.size);
  }
  std::vector<std::vector<double>> samples(series.size());
  for (int round = 0; round < batches.timed; ++round) {
    for (std::size_t index = 0; index < series.size(); ++index) {
      const Series& one = series[index];
      const auto start = std::chrono::steady_clock::now();
      one.batch(batches.size);
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      const double amount = static_cast<double>(batches.size) * one.amount_per_operation;
      samples[index].push_back(sample_value(one.unit, elapsed.count(), amount));
      print_sample(one.name, samples[index].back(), one.unit);
    }
  }
  return samples;
}

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  const std::size_t middle = samples.size() / 2;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(middle), samples.end());
  const double upper = samples[middle];
  if (samples.size() % 2 == 1) return upper;
  const double lower = *std::max_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

}  // namespace parity::bench
