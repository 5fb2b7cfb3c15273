// 1 MiB items through a Queue: a child puts a batch of fresh 1 MiB strings when asked, the parent
// gets them; beside the raw floor, the same bytes streamed through an OS pipe, one write() per item.
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>
#include <string>

constexpr std::size_t kItemBytes = 1 << 20;

// Each request is a count; 0 ends the producer. Item i starts with the byte i % 256.
void produce(mp::Connection requests, mp::Queue<std::string> queue) {
  std::int64_t sent = 0;
  for (std::int64_t count; (count = requests.recv<std::int64_t>()) != 0;) {
    for (std::int64_t i = 0; i < count; ++i, ++sent) {
      std::string item(kItemBytes, '\0');
      item[0] = static_cast<char>(sent % 256);
      queue.put(std::move(item));
    }
  }
}

namespace {

namespace bench = parity::bench;

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = bench::batches_from(args, {.warmup = 2, .timed = 20, .size = 8});
  bench::PipeStream floor(kItemBytes);
  auto [requests, request_end] = mp::Pipe();
  mp::Queue<std::string> queue;
  mp::Process child(produce, request_end, queue);
  child.start();
  std::int64_t received = 0;
  std::int64_t damaged = 0;
  auto transfer = [&](std::int64_t n) {
    requests.send(n);
    for (std::int64_t i = 0; i < n; ++i, ++received) {
      const std::string item = queue.get();
      if (item.size() != kItemBytes || static_cast<unsigned char>(item[0]) != received % 256) ++damaged;
    }
  };
  std::cout << "1 MiB items through a Queue: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"bytes", bench::Unit::bytes_per_s, transfer, kItemBytes},
                               {"floor.bytes", bench::Unit::bytes_per_s, [&](std::int64_t n) { floor.transfer(n); }, kItemBytes}});
  requests.send(std::int64_t{0});
  child.join();
  std::cout << "items received: " << received << ", damaged or out of order: " << damaged << std::endl;
  std::cout << "producer exitcode " << *child.exitcode() << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
