// Cross-process Event ping-pong: the parent sets ping and waits for pong; a child waits for ping,
// clears it and sets pong. Beside the raw floor, a futex ping-pong in shared memory.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

void pong(mp::Event ping_event, mp::Event pong_event, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    ping_event.wait();
    ping_event.clear();
    pong_event.set();
  }
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 500});
  bench::FutexPingPong floor;
  mp::Event ping_event, pong_event;
  const std::int64_t rounds = (batches.warmup + batches.timed) * batches.size;
  mp::Process child(pong, ping_event, pong_event, rounds);
  child.start();
  auto ping = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      ping_event.set();
      pong_event.wait();
      pong_event.clear();
    }
  };
  std::cout << "Event ping-pong round trips: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"round_trip", bench::Unit::us, ping},
                               {"floor.round_trip", bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n); }}});
  child.join();
  std::cout << "child exitcode " << *child.exitcode() << " after " << rounds << " round trips" << std::endl;
  std::cout << "both events clear afterwards: " << (!ping_event.is_set() && !pong_event.is_set() ? "yes" : "no")
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
