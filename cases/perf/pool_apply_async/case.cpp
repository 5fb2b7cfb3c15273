// apply_async round trip: pool.apply_async(increment, i).get() on Pool(2), one task in flight;
// beside the raw floor, an 8-byte message echoed over two OS pipes by a forked child.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

std::int64_t increment(std::int64_t x) { return x + 1; }

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 100});
  bench::PipeEcho floor;
  int wrong_results = 0;
  {
    mp::Pool pool(2);
    pool.apply(increment, std::int64_t{0});  // the workers are up
    auto round_trips = [&](std::int64_t n) {
      for (std::int64_t i = 0; i < n; ++i) {
        if (pool.apply_async(increment, i).get() != i + 1) ++wrong_results;
      }
    };
    std::cout << "apply_async round trips on Pool(2): " << batches.timed << " batches of " << batches.size << std::endl;
    bench::run_batches(batches, {{"round_trip", bench::Unit::us, round_trips},
                                 {"floor.round_trip", bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n, 8); }}});
  }
  std::cout << "wrong results: " << wrong_results << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
