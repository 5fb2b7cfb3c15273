// Connection round trips and bandwidth, each beside its raw floor in the same binary:
//   Pipe round trip (an int object there and back between two processes over a duplex mp::Pipe)
//   vs a raw 1-byte pipe ping-pong: target <= 1.3x. CPython 3.11 here: Pipe round trip 66 us.
//   1 MiB messages through a one-way mp::Pipe vs raw 1 MiB pipe writes (for scale).
// The machine is shared and noisy: compare the ratios printed at the end of one run.
#include <chrono>

#include "bench_floor.hpp"

namespace {

void BM_RawPipe_RoundTrip(benchmark::State& state) { bench::raw_pipe_round_trip(state); }
BENCHMARK(BM_RawPipe_RoundTrip)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Repetitions(bench::kRoundTripRepetitions)
    ->ReportAggregatesOnly(true);

// A fork child inherits every descriptor, the parent's end too: it stops on -1, not on EOF.
void echo_ints(mp::Connection conn) {
  for (;;) {
    int value = conn.recv<int>();
    if (value < 0) break;
    conn.send(value);
  }
}

void BM_Pipe_RoundTrip(benchmark::State& state) {
  auto [a, b] = mp::Pipe();
  mp::Process child(mp::ProcessOptions{.name = "echo", .daemon = {}, .start_method = "fork"},
                    echo_ints, b);
  child.start();
  b.close();
  int value = 1;
  for (auto _ : state) {
    a.send(value);
    value = a.recv<int>();
  }
  a.send(-1);
  child.join();
}
BENCHMARK(BM_Pipe_RoundTrip)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Repetitions(bench::kRoundTripRepetitions)
    ->ReportAggregatesOnly(true);

void BM_RawPipe_Bandwidth_1MiB(benchmark::State& state) { bench::raw_pipe_bandwidth_1mib(state); }
BENCHMARK(BM_RawPipe_Bandwidth_1MiB)->Unit(benchmark::kMicrosecond)->UseRealTime();

void send_mib_forever(mp::Connection conn, mp::Connection inherited_reader) {
  inherited_reader.close();  // so the parent's close() is the last reader's: BrokenPipeError
  std::string chunk(1 << 20, 'x');
  try {
    for (;;) conn.send_bytes(chunk);
  } catch (const mp::OSError&) {  // BrokenPipeError once the reader is gone
  }
}

void BM_Pipe_Bandwidth_1MiB(benchmark::State& state) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process child(mp::ProcessOptions{.name = "sender", .daemon = {}, .start_method = "fork"},
                    send_mib_forever, writer, reader);
  child.start();
  writer.close();
  for (auto _ : state) benchmark::DoNotOptimize(reader.recv_bytes());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) << 20);
  reader.close();
  child.join();
}
BENCHMARK(BM_Pipe_Bandwidth_1MiB)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return bench::run(argc, argv,
                    {{"BM_Pipe_RoundTrip", "BM_RawPipe_RoundTrip", false, 1.3, "<= 1.3"},
                     {"BM_Pipe_Bandwidth_1MiB", "BM_RawPipe_Bandwidth_1MiB", true, 0.5, ">= 0.5"}});
}
