// Uncontended Lock acquire+release in one process, timed in batches after a warm-up; beside the
// floor, a compare-and-swap lock word in shared memory.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 100000});
  mp::Lock lock;
  bench::SharedWordLock floor;
  auto acquire_release = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      lock.acquire();
      lock.release();
    }
  };
  std::cout << "Lock acquire+release: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"acquire_release", bench::Unit::ns, acquire_release},
                               {"floor.acquire_release", bench::Unit::ns, [&](std::int64_t n) { floor.acquire_release(n); }}});
  std::cout << "lock free afterwards: " << (lock.acquire(false) ? "yes" : "no") << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
