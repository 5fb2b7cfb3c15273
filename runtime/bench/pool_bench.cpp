// mp::Pool beside its floor and beside CPython, in one binary (CPython runs in a twin process,
// runtime/bench/pool_bench.py --serve, interleaved with mp's benchmarks):
//   BM_RawPipeRoundTrip        one byte there and back between two processes over two pipes: the
//                              least a task round trip to another process can cost;
//   BM_Pool_ApplyAsync/<m>     apply_async(f).get() round trips on Pool(2) (one task in flight);
//   BM_CPython_ApplyAsync, BM_Billiard_ApplyAsync, BM_Loky_ApplyAsync
//                              the same round trip on CPython's Pool(2), billiard's Pool(2) and
//                              loky's reusable executor (submit(f).result()), fork;
//   BM_Pool_Map/<m>            map(identity, 100k ints) on Pool(2) with the default chunksize;
//   BM_Pool_MapItems/<k>       map(identity, items) on Pool(2), fork, default chunksize, for each
//                              item kind k: 0 int64 (100k), 1 8-byte strings (100k), 2 1 KiB (20k),
//                              3 64 KiB (1000), 4 1 MiB (64); one iteration is one map;
//   BM_CPython_MapItems/<k>    the same map in CPython (bytes items; int64: Python ints);
//   BM_Pool_LostWorkerReported a task that SIGKILLs its worker: time until get() raises
//                              BrokenProcessPool (CPython waits forever).
// Run (no arguments: 10 randomly interleaved repetitions, ratios of the medians):
//   taskset -c 0 build/bin/mp_pool_bench
// Pinned to one CPU, a cross-process figure is software cost rather than scheduling luck.
// Targets: map per item <= 1/5 of CPython for every item kind; apply round trip <= the raw round
// trip + 1 us. The peers need Debian's python3-billiard and python3-joblib (scripts/setup); the
// twin's interpreter is $PARITY_BENCH_PYTHON, else python3.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "bench_floor.hpp"
#include "mp/mp.hpp"
#include "python_twin.hpp"

namespace {

int identity(int x) { return x; }
std::int64_t identity64(std::int64_t x) { return x; }
std::string echo(std::string s) { return s; }
int one() { return 1; }

void BM_RawPipeRoundTrip(benchmark::State& state) { bench::raw_pipe_round_trip(state); }
BENCHMARK(BM_RawPipeRoundTrip)->UseRealTime();

const char* method_of(const benchmark::State& state) {
  static const char* methods[] = {"fork", "spawn", "forkserver"};
  return methods[state.range(0)];
}

void BM_Pool_ApplyAsync(benchmark::State& state) {
  mp::Pool pool(mp::PoolOptions{.processes = 2, .context = method_of(state)});
  pool.apply(one);  // workers up
  for (auto _ : state) {
    benchmark::DoNotOptimize(pool.apply_async(one).get());
  }
  state.SetLabel(method_of(state));
}
BENCHMARK(BM_Pool_ApplyAsync)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

// One round trip per twin command: the command's own pipe hops are not in the time (Python
// measures the call), and the benchmark's iterations stay one round trip each, as mp's.
void BM_CPython_ApplyAsync(benchmark::State& state) {
  bench::run_in_twin(state, bench::python_twin("pool_bench.py", "fork"), "apply cpython 1");
}
void BM_Billiard_ApplyAsync(benchmark::State& state) {
  bench::run_in_twin(state, bench::python_twin("pool_bench.py", "fork"), "apply billiard 1");
}
void BM_Loky_ApplyAsync(benchmark::State& state) {
  bench::run_in_twin(state, bench::python_twin("pool_bench.py", "fork"), "apply loky 1");
}
BENCHMARK(BM_CPython_ApplyAsync)->UseManualTime();
BENCHMARK(BM_Billiard_ApplyAsync)->UseManualTime();
BENCHMARK(BM_Loky_ApplyAsync)->UseManualTime();

// Wall time per item of a map of `count` items.
benchmark::Counter per_item(std::size_t count) {
  return benchmark::Counter(static_cast<double>(count),
                            benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Pool_Map(benchmark::State& state) {
  mp::Pool pool(mp::PoolOptions{.processes = 2, .context = method_of(state)});
  std::vector<int> items(100000);
  std::iota(items.begin(), items.end(), 0);
  pool.map(identity, std::vector<int>{1, 2, 3});  // workers up
  for (auto _ : state) {
    std::vector<int> results = pool.map(identity, items);
    if (results.size() != items.size() || results.back() != items.back()) std::abort();
  }
  state.SetLabel(method_of(state));
  state.counters["per_item"] = per_item(items.size());
}
BENCHMARK(BM_Pool_Map)->Arg(0)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The item kinds of the sweep: the twin's name, bytes per item (0: an int64), items per map.
struct ItemKind {
  const char* twin_name;
  std::size_t bytes;
  std::size_t count;
};
constexpr ItemKind kItemKinds[] = {
    {"int64", 0, 100000}, {"8", 8, 100000}, {"1024", 1024, 20000}, {"65536", 65536, 1000}, {"1048576", 1 << 20, 64}};

void set_per_item(benchmark::State& state, std::size_t count) {
  state.counters["per_item"] = per_item(count);
  state.SetLabel(std::string(kItemKinds[state.range(0)].twin_name) + " x " + std::to_string(count));
}

template <class T, class F>
void map_items(benchmark::State& state, const F& fn, const std::vector<T>& items) {
  mp::Pool pool(mp::PoolOptions{.processes = 2, .context = "fork"});
  pool.map(fn, std::vector<T>(items.begin(), items.begin() + 3));  // workers up
  for (auto _ : state) {
    std::vector<T> results = pool.map(fn, items);
    if (results.size() != items.size() || results.back() != items.back()) std::abort();
  }
}

void BM_Pool_MapItems(benchmark::State& state) {
  const ItemKind& kind = kItemKinds[state.range(0)];
  if (kind.bytes == 0) {
    std::vector<std::int64_t> items(kind.count);
    std::iota(items.begin(), items.end(), std::int64_t{1} << 40);
    map_items(state, identity64, items);
  } else {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < kind.count; ++i) items.emplace_back(kind.bytes, static_cast<char>('a' + i % 26));
    map_items(state, echo, items);
  }
  set_per_item(state, kind.count);
}
BENCHMARK(BM_Pool_MapItems)->DenseRange(0, 4)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_CPython_MapItems(benchmark::State& state) {
  const ItemKind& kind = kItemKinds[state.range(0)];
  bench::run_in_twin(state, bench::python_twin("pool_bench.py", "fork"),
                     std::string("map ") + kind.twin_name + " " + std::to_string(kind.count));
  set_per_item(state, kind.count);
}
BENCHMARK(BM_CPython_MapItems)->DenseRange(0, 4)->UseManualTime()->Unit(benchmark::kMicrosecond);

int kill_myself() {
  ::kill(::getpid(), SIGKILL);
  return 0;
}

// A task whose worker is SIGKILLed: time until get() raises BrokenProcessPool (the lost-worker
// report; CPython never reports it). Includes the worker's own start of the task.
void BM_Pool_LostWorkerReported(benchmark::State& state) {
  mp::Pool pool(mp::PoolOptions{.processes = 2, .context = method_of(state)});
  pool.apply(one);
  for (auto _ : state) {
    try {
      pool.apply_async(kill_myself).get(std::chrono::seconds(60));
      std::abort();
    } catch (const mp::BrokenProcessPool&) {
    }
    state.PauseTiming();
    while (pool.workers().size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // replaced
    pool.apply(one);
    state.ResumeTiming();
  }
  state.SetLabel(method_of(state));
}
BENCHMARK(BM_Pool_LostWorkerReported)->Arg(0)->UseRealTime()->Unit(benchmark::kMicrosecond)->Iterations(20);

}  // namespace

int main(int argc, char** argv) {
  bench::InterleavedByDefault args(argc, argv, 10);
  std::vector<bench::RatioReporter::Ratio> ratios;
  for (int k = 0; k < 5; ++k) {
    const std::string n = std::to_string(k);
    ratios.push_back({"BM_Pool_MapItems/" + n, "BM_CPython_MapItems/" + n, false, 0.2,
                      std::string("<= 1/5 of CPython, ") + kItemKinds[k].twin_name});
  }
  ratios.push_back({"BM_Pool_ApplyAsync/0", "BM_CPython_ApplyAsync", false, 0.2, "for scale: CPython"});
  ratios.push_back({"BM_Pool_ApplyAsync/0", "BM_Billiard_ApplyAsync", false, 0.2, "for scale: billiard"});
  ratios.push_back({"BM_Pool_ApplyAsync/0", "BM_Loky_ApplyAsync", false, 0.2, "for scale: loky"});
  ratios.push_back({"BM_Pool_ApplyAsync/0", "BM_RawPipeRoundTrip", false, 2.0, "<= 2 (scale, fork)"});
  ratios.push_back({"BM_Pool_ApplyAsync/1", "BM_RawPipeRoundTrip", false, 2.0, "<= 2 (scale, spawn)"});
  ratios.push_back({"BM_Pool_ApplyAsync/2", "BM_RawPipeRoundTrip", false, 2.0, "<= 2 (scale, forkserver)"});
  std::vector<bench::RatioReporter::Excess> excesses{
      {"BM_Pool_ApplyAsync/0", "BM_RawPipeRoundTrip", 1e-6, "<= raw + 1 us (fork)"}};
  return bench::run(args.argc(), args.argv(), std::move(ratios), std::move(excesses));
}
