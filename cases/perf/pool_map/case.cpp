// Pool.map per item: identity over ints on Pool(2), the default chunksize; beside the raw floor,
// the same chunks of 8-byte items echoed over two OS pipes by a forked child.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>
#include <numeric>
#include <vector>

std::int64_t identity(std::int64_t x) { return x; }

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 20000});
  std::vector<std::int64_t> items(static_cast<std::size_t>(batches.size));
  std::iota(items.begin(), items.end(), 0);
  const std::int64_t chunk = bench::default_map_chunksize(batches.size, 2);
  bench::PipeEcho floor(static_cast<std::size_t>(chunk) * sizeof(std::int64_t));
  int wrong_maps = 0;
  {
    mp::Pool pool(2);
    pool.map(identity, std::vector<std::int64_t>{1, 2});  // the workers are up
    auto map_batch = [&](std::int64_t) {
      if (pool.map(identity, items) != items) ++wrong_maps;
    };
    auto floor_batch = [&](std::int64_t n) { floor.chunked_round_trips(n, chunk, sizeof(std::int64_t)); };
    std::cout << "Pool(2).map over ints: " << batches.timed << " batches of " << batches.size << " items" << std::endl;
    bench::run_batches(batches, {{"map_per_item", bench::Unit::ns, map_batch},
                                 {"floor.map_per_item", bench::Unit::ns, floor_batch}});
  }
  std::cout << "maps whose results differ from their input: " << wrong_maps << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
