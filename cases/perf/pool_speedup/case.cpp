// CPU-bound work on Pool(2) against the same work done serially: the speed-up processes buy;
// beside the floor, the same tasks on two pre-forked raw workers fed through OS pipes.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <set>
#include <utility>
#include <vector>

constexpr int kWorkers = 2;

// Primes below limit, by trial division: pure CPU, no allocation (it also runs in raw workers).
std::int64_t count_primes(std::int64_t limit) {
  std::int64_t count = 0;
  for (std::int64_t candidate = 2; candidate < limit; ++candidate) {
    bool prime = true;
    for (std::int64_t divisor = 2; divisor * divisor <= candidate; ++divisor) {
      if (candidate % divisor == 0) {
        prime = false;
        break;
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

namespace {

namespace bench = parity::bench;

std::string list_of(const std::set<std::int64_t>& values) {
  std::string text = "[";
  const char* separator = "";
  for (std::int64_t value : values) text += std::exchange(separator, ", ") + std::to_string(value);
  return text + "]";
}

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 1, .timed = 15, .size = kWorkers});
  const std::int64_t limit = args.int_param("limit", 10000);
  std::set<std::int64_t> serial_results, pool_results, floor_results;
  bench::RawWorkers floor(kWorkers, count_primes);
  std::vector<std::vector<double>> samples;
  {
    mp::Pool pool(kWorkers);
    pool.map(count_primes, std::vector<std::int64_t>(kWorkers, 10));  // the workers are up
    auto serial = [&](std::int64_t n) {
      for (std::int64_t i = 0; i < n; ++i) serial_results.insert(count_primes(limit));
    };
    auto parallel = [&](std::int64_t n) {
      for (std::int64_t result : pool.map(count_primes, std::vector<std::int64_t>(n, limit), 1)) pool_results.insert(result);
    };
    auto raw = [&](std::int64_t n) {
      for (std::int64_t result : floor.map(std::vector<std::int64_t>(n, limit))) floor_results.insert(result);
    };
    std::cout << "count_primes(" << limit << ") tasks, serial and on Pool(" << kWorkers << "): " << batches.timed
              << " batches of " << batches.size << std::endl;
    samples = bench::run_batches(batches, {{"serial_task", bench::Unit::ms, serial},
                                           {"pool_task", bench::Unit::ms, parallel},
                                           {"floor.pool_task", bench::Unit::ms, raw}});
  }
  std::cout << "serial results: " << list_of(serial_results) << ", pool results: " << list_of(pool_results)
            << std::endl;
  if (floor_results != serial_results) std::cout << "raw workers disagree: " << list_of(floor_results) << std::endl;
  char metric[64];
  std::snprintf(metric, sizeof metric, "@metric speedup %.3f", bench::median(samples[0]) / bench::median(samples[1]));
  std::cout << metric << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
