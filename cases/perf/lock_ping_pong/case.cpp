// Cross-process Lock ping-pong: two Locks used as binary semaphores, released by one process and
// acquired by the other; beside the raw floor, a futex ping-pong in shared memory.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

void pong(mp::Lock ping_lock, mp::Lock pong_lock, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    ping_lock.acquire();
    pong_lock.release();
  }
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 1000});
  bench::FutexPingPong floor;
  mp::Lock ping_lock, pong_lock;
  ping_lock.acquire();
  pong_lock.acquire();
  const std::int64_t rounds = (batches.warmup + batches.timed) * batches.size;
  mp::Process child(pong, ping_lock, pong_lock, rounds);
  child.start();
  auto ping = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      ping_lock.release();
      pong_lock.acquire();
    }
  };
  std::cout << "Lock ping-pong round trips: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"round_trip", bench::Unit::us, ping},
                               {"floor.round_trip", bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n); }}});
  child.join();
  std::cout << "child exitcode " << *child.exitcode() << " after " << rounds << " round trips" << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
