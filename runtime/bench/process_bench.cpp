// Start + join of a no-op child under each start method, beside the raw floors measured in the same
// binary: fork + _exit + waitpid, and posix_spawn of this executable (which _exits at once) +
// waitpid. Prints the ratios the runtime is held to (issue 2):
//   fork <= 1.5x raw fork, spawn <= 1.5x raw exec, forkserver <= 2x raw fork.
// Run without arguments for 5 interleaved repetitions whose medians give the ratios.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

BENCHMARK(BM_RawForkFloor)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawExecFloor)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, fork, "fork")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, spawn, "spawn")->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ProcessStartJoin, forkserver, "forkserver")->UseRealTime()->Unit(benchmark::kMicrosecond);

// Console output as usual, and the real time per iteration of each benchmark kept for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    // With --benchmark_repetitions=N the median is kept; otherwise the single run.
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
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
  }

 private:
  std::map<std::string, double> seconds_;
  std::set<std::string> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], kRawExitFlag) == 0) ::_exit(0);  // the raw exec floor's child
  mp::init(argc, argv);
  // Without arguments: 5 interleaved repetitions, ratios of medians.
  bench::InterleavedByDefault args(argc, argv);
  benchmark::Initialize(&args.argc(), args.argv());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
