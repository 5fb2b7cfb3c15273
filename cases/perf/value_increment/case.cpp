// Value increment under its lock: a lock_guard on get_lock(), then value + 1, timed in batches;
// beside the floor, a compare-and-swap lock word and a counter in shared memory.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>
#include <mutex>

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 20000});
  mp::Value<std::int64_t> counter(0);
  bench::SharedWordLock floor;
  auto increment = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      std::lock_guard guard(counter.get_lock());
      counter.set_value(counter.value() + 1);
    }
  };
  std::cout << "Value increments under get_lock(): " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"increment", bench::Unit::ns, increment},
                               {"floor.increment", bench::Unit::ns, [&](std::int64_t n) { floor.increment(n); }}});
  std::cout << "value afterwards: " << counter.value() << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
