// Queue round trip: the parent puts an int on one Queue, a child gets it and puts it on another;
// beside the raw floor, an 8-byte message echoed over two OS pipes by a forked child.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

constexpr std::int64_t kStop = -1;

void echo(mp::Queue<std::int64_t> requests, mp::Queue<std::int64_t> replies) {
  for (std::int64_t item; (item = requests.get()) != kStop;) replies.put(item);
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 500});
  bench::PipeEcho floor;
  mp::Queue<std::int64_t> requests, replies;
  mp::Process child(echo, requests, replies);
  child.start();
  int mismatches = 0;
  auto round_trips = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      requests.put(i);
      if (replies.get() != i) ++mismatches;
    }
  };
  std::cout << "queue round trips: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"round_trip", bench::Unit::us, round_trips},
                               {"floor.round_trip", bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n, 8); }}});
  requests.put(kStop);
  child.join();
  std::cout << "replies that differ from their request: " << mismatches << std::endl;
  std::cout << "echo child exitcode " << *child.exitcode() << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
