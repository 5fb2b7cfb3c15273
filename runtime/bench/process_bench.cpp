// Start + join of a no-op child under each start method, beside the raw floors measured in the same
// binary: fork + _exit + waitpid, and posix_spawn of this executable (which _exits at once) +
// waitpid. Prints the ratios of the medians (issue 2: fork <= 1.5x raw fork, spawn <= 1.5x raw
// exec, forkserver <= 2x raw fork), and, from the paired benchmarks, the ratio of every round
// (issue 16: fork <= 1.25x and forkserver <= 1.5x raw fork in each of 10 rounds).
//
// A paired benchmark alternates one raw fork + join and one mp start + join in every iteration and
// times each apart, so a round's ratio compares the two under the same load: the separate
// benchmarks run half a second apart each, and on a shared machine the raw floor alone drifts by
// 2x between rounds.
// Run without arguments for 10 interleaved repetitions.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bench_floor.hpp"
#include "mp/mp.hpp"

extern char** environ;

namespace {

constexpr const char* kRawExitFlag = "--raw-exit";

void BM_RawForkFloor(benchmark::State& state) {
  for (auto _ : state) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}

void BM_RawExecFloor(benchmark::State& state) {
  std::string exe = "/proc/self/exe";
  std::string flag = kRawExitFlag;
  char* argv[] = {exe.data(), flag.data(), nullptr};
  for (auto _ : state) {
    pid_t pid = 0;
    if (::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv, environ) != 0) {
      state.SkipWithError("posix_spawn failed");
      return;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}

void noop() {}

void BM_ProcessStartJoin(benchmark::State& state, const char* method) {
  const mp::ProcessOptions options{.name = {}, .daemon = {}, .start_method = method};
  {
    mp::Process warm(options, noop);  // the forkserver starts on first use: not part of the figure
    warm.start();
    warm.join();
  }
  for (auto _ : state) {
    mp::Process p(options, noop);
    p.start();
    p.join();
    if (p.exitcode() != 0) state.SkipWithError("child failed");
  }
}

// Per iteration one raw fork + join and one mp start + join, in alternating order; the reported
// time is both together, the counters each one's mean (seconds) and their ratio.
void BM_PairedStartJoin(benchmark::State& state, const char* method) {
  using Clock = std::chrono::steady_clock;
  const mp::ProcessOptions options{.name = {}, .daemon = {}, .start_method = method};
  {
    mp::Process warm(options, noop);
    warm.start();
    warm.join();
  }
  auto raw = [] {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
  };
  auto ours = [&] {
    mp::Process p(options, noop);
    p.start();
    p.join();
    return p.exitcode() == 0;
  };
  Clock::duration raw_total{}, ours_total{};
  bool raw_first = true;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    bool ok = true;
    if (raw_first) raw(); else ok = ours();
    const auto t1 = Clock::now();
    if (raw_first) ok = ours(); else raw();
    const auto t2 = Clock::now();
    raw_total += raw_first ? t1 - t0 : t2 - t1;
    ours_total += raw_first ? t2 - t1 : t1 - t0;
    raw_first = !raw_first;
    if (!ok) state.SkipWithError("child failed");
    state.SetIterationTime(std::chrono::duration<double>(t2 - t0).count());
  }
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  const double raw_s = std::chrono::duration<double>(raw_total).count() / n;
  const double ours_s = std::chrono::duration<double>(ours_total).count() / n;
  state.counters["raw_us"] = raw_s * 1e6;
  state.counters["mp_us"] = ours_s * 1e6;
  state.counters["ratio"] = raw_s > 0 ? ours_s / raw_s : 0;
}

BENCHMARK(BM_RawForkFloor)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawExecFloor)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, fork, "fork")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, spawn, "spawn")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, forkserver, "forkserver")->UseRealTime()->Unit(benchmark::kMicrosecond);
double largest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}
BENCHMARK_CAPTURE(BM_PairedStartJoin, fork, "fork")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("max", largest);
BENCHMARK_CAPTURE(BM_PairedStartJoin, forkserver, "forkserver")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->ComputeStatistics("max", largest);

// Console output as usual, and the real time per iteration of each benchmark kept for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    // With --benchmark_repetitions=N the median is kept; otherwise the single run.
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      if (run.run_name.function_name.rfind("BM_PairedStartJoin", 0) == 0) {
        // Each round's ratio (a repetition, or the only run); with repetitions also its aggregates.
        auto ratio = run.counters.find("ratio");
        if (ratio == run.counters.end()) continue;
        Rounds& rounds = rounds_[run.run_name.str()];
        if (run.run_type == Run::RT_Iteration) rounds.each.push_back(ratio->second);
        if (run.run_type == Run::RT_Aggregate) rounds.aggregates[run.aggregate_name] = ratio->second;
        continue;
      }
      const double seconds = run.GetAdjustedRealTime() * 1e-6;  // the unit is microseconds
      const std::string name = run.run_name.str();
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        seconds_[name] = seconds;
        medians_.insert(name);
      } else if (run.run_type == Run::RT_Iteration && !medians_.count(name)) {
        seconds_[name] = seconds;
      }
    }
  }
  void PrintRatios() const {
    auto get = [&](const char* name) {
      auto it = seconds_.find(name);
      return it == seconds_.end() ? 0.0 : it->second;
    };
    double raw_fork = get("BM_RawForkFloor/real_time");
    double raw_exec = get("BM_RawExecFloor/real_time");
    auto line = [&](const char* label, const char* name, double floor, double target) {
      double t = get(name);
      if (t <= 0 || floor <= 0) return;
      std::printf("ratio %-10s %8.1f us / %8.1f us = %.2fx (target <= %.1fx) %s\n", label, t * 1e6, floor * 1e6,
                  t / floor, target, t / floor <= target ? "OK" : "MISS");
    };
    line("fork", "BM_ProcessStartJoin/fork/real_time", raw_fork, 1.5);
    line("spawn", "BM_ProcessStartJoin/spawn/real_time", raw_exec, 1.5);
    line("forkserver", "BM_ProcessStartJoin/forkserver/real_time", raw_fork, 2.0);
    // A paired benchmark's rounds: each one's ratio where they were reported (not with
    // --benchmark_report_aggregates_only), the median and the largest over the rounds.
    auto rounds = [&](const char* label, const std::string& name, double target) {
      auto it = rounds_.find(name);
      if (it == rounds_.end()) return;
      const Rounds& r = it->second;
      std::vector<double> each = r.each;
      std::sort(each.begin(), each.end());
      auto aggregate = [&](const char* which, double fallback) {
        auto found = r.aggregates.find(which);
        return found != r.aggregates.end() ? found->second : fallback;
      };
      const double median = aggregate("median", each.empty() ? 0 : each[each.size() / 2]);
      const double largest = aggregate("max", each.empty() ? 0 : each.back());
      std::printf("paired %-10s", label);
      for (double ratio : r.each) std::printf(" %.2f", ratio);
      std::printf("%smedian %.2fx, largest %.2fx (target <= %.2fx in every round) %s\n", r.each.empty() ? " " : "  ",
                  median, largest, target, largest <= target ? "OK" : "MISS");
    };
    rounds("fork", "BM_PairedStartJoin/fork/manual_time", 1.25);
    rounds("forkserver", "BM_PairedStartJoin/forkserver/manual_time", 1.5);
  }

 private:
  std::map<std::string, double> seconds_;
  std::set<std::string> medians_;
  struct Rounds {
    std::vector<double> each;                  // every repetition's ratio, as reported
    std::map<std::string, double> aggregates;  // "median", "max" over the repetitions
  };
  std::map<std::string, Rounds> rounds_;  // by the paired benchmark's run name
};

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], kRawExitFlag) == 0) ::_exit(0);  // the raw exec floor's child
  mp::init(argc, argv);
  // Without arguments: 10 interleaved repetitions, ratios of medians and of each paired round.
  bench::InterleavedByDefault args(argc, argv, 10);
  benchmark::Initialize(&args.argc(), args.argv());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
