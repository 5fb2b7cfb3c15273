// Pipe round trip: the parent sends an int over a duplex Pipe, a child sends it back; beside the
// raw floor, an 8-byte message echoed over two OS pipes by a forked child.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

constexpr std::int64_t kStop = -1;

void echo(mp::Connection conn) {
  for (std::int64_t item; (item = conn.recv<std::int64_t>()) != kStop;) conn.send(item);
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 1000});
  bench::PipeEcho floor;
  auto [parent_end, child_end] = mp::Pipe();
  mp::Process child(echo, child_end);
  child.start();
  int mismatches = 0;
  auto round_trips = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      parent_end.send(i);
      if (parent_end.recv<std::int64_t>() != i) ++mismatches;
    }
  };
  std::cout << "pipe round trips: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"round_trip", bench::Unit::us, round_trips},
                               {"floor.round_trip", bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n, 8); }}});
  parent_end.send(kStop);
  child.join();
  std::cout << "replies that differ from their request: " << mismatches << std::endl;
  std::cout << "echo child exitcode " << *child.exitcode() << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
