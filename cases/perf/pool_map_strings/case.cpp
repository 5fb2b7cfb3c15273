// Pool.map per item: identity over 1 KiB strings on Pool(2), the default chunksize; beside the raw
// floor, the same chunks of 1 KiB items echoed over two OS pipes by a forked child.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

constexpr std::size_t kItemBytes = 1024;

std::string identity(std::string x) { return x; }

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 4000});
  // Item i: i in 8 digits, then dots up to 1 KiB.
  std::vector<std::string> items;
  for (std::int64_t i = 0; i < batches.size; ++i) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(i));
    std::string item = digits;
    item.resize(kItemBytes, '.');
    items.push_back(std::move(item));
  }
  const std::int64_t chunk = bench::default_map_chunksize(batches.size, 2);
  bench::PipeEcho floor(static_cast<std::size_t>(chunk) * kItemBytes);
  int wrong_maps = 0;
  {
    mp::Pool pool(2);
    pool.map(identity, std::vector<std::string>(items.begin(), items.begin() + 2));  // the workers are up
    auto map_batch = [&](std::int64_t) {
      if (pool.map(identity, items) != items) ++wrong_maps;
    };
    auto floor_batch = [&](std::int64_t n) { floor.chunked_round_trips(n, chunk, kItemBytes); };
    std::cout << "Pool(2).map over 1 KiB strings: " << batches.timed << " batches of " << batches.size << " items"
              << std::endl;
    bench::run_batches(batches, {{"map_per_item", bench::Unit::ns, map_batch},
                                 {"floor.map_per_item", bench::Unit::ns, floor_batch}});
  }
  std::cout << "maps whose results differ from their input: " << wrong_maps << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
