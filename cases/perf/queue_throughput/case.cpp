// Small-item Queue throughput: a child puts a batch of ints on a Queue when asked, the parent gets
// them; beside the raw floor, the same bytes streamed through an OS pipe in 64 KiB writes.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>

// Each request is a count; 0 ends the producer.
void produce(mp::Connection requests, mp::Queue<std::int64_t> queue) {
  for (std::int64_t count; (count = requests.recv<std::int64_t>()) != 0;) {
    for (std::int64_t i = 0; i < count; ++i) queue.put(i);
  }
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 2000});
  bench::PipeStream floor(sizeof(std::int64_t));
  auto [requests, request_end] = mp::Pipe();
  mp::Queue<std::int64_t> queue;
  mp::Process child(produce, request_end, queue);
  child.start();
  std::int64_t received = 0;
  std::int64_t total = 0;
  auto transfer = [&](std::int64_t n) {
    requests.send(n);
    for (std::int64_t i = 0; i < n; ++i) total += queue.get();
    received += n;
  };
  std::cout << "small items through a Queue: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"items", bench::Unit::items_per_s, transfer},
                               {"floor.items", bench::Unit::items_per_s, [&](std::int64_t n) { floor.transfer(n); }}});
  requests.send(std::int64_t{0});
  child.join();
  std::cout << "items received: " << received << ", their sum: " << total << std::endl;
  std::cout << "producer exitcode " << *child.exitcode() << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
