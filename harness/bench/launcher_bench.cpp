// Launcher overhead: Launcher::run of a program against posix_spawn + waitpid of the same program,
// in one process, one run. The Overhead benchmarks alternate the two on every iteration (so both
// see the same machine load) and report the mean difference per run as the counter overhead_ms,
// and the difference in CPU time (harness and program together) as cpu_overhead_ms, which a
// loaded machine does not inflate.
//
//   parity_launcher_bench [--benchmark_filter=Overhead]

#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "launcher.hpp"

extern char** environ;

namespace {

parity::Launcher& launcher() {
  static parity::Launcher instance;
  return instance;
}

// The baseline: what running the program directly costs (stdout/stderr inherited).
void spawn_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) std::abort();
  int status;
  waitpid(pid, &status, 0);
  benchmark::DoNotOptimize(status);
}

void launch(const std::vector<std::string>& argv, bool python) {
  parity::LaunchOptions options;
  options.argv = argv;
  options.python = python;
  parity::RunRecord record = launcher().run(options);
  if (!record.status || !record.launch_error.empty()) std::abort();
  benchmark::DoNotOptimize(record);
}

const std::vector<std::string> bin_true{"/bin/true"};
const std::vector<std::string> cpp_noop{PARITY_BENCH_NOOP};
const std::vector<std::string> python_pass{PARITY_BENCH_PYTHON, "-c", "pass"};

void BM_Direct(benchmark::State& state, const std::vector<std::string>* argv) {
  for (auto _ : state) spawn_and_wait(*argv);
}

void BM_Launcher(benchmark::State& state, const std::vector<std::string>* argv, bool python) {
  launcher();
  for (auto _ : state) launch(*argv, python);
}

// CPU seconds used so far by this process and its reaped children: unlike wall time, it does not
// depend on how loaded the machine is.
double cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    getrusage(who, &usage);
    total += usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
             usage.ru_stime.tv_usec / 1e6;
  }
  return total;
}

void BM_Overhead(benchmark::State& state, const std::vector<std::string>* argv, bool python) {
  using Clock = std::chrono::steady_clock;
  launcher();
  Clock::duration direct{}, launched{};
  double direct_cpu = 0, launched_cpu = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    spawn_and_wait(*argv);
    auto t1 = Clock::now();
    double c1 = cpu_seconds();
    launch(*argv, python);
    auto t2 = Clock::now();
    double c2 = cpu_seconds();
    direct += t1 - t0;
    launched += t2 - t1;
    direct_cpu += c1 - c0;
    launched_cpu += c2 - c1;
  }
  double n = static_cast<double>(state.iterations());
  double direct_ms = std::chrono::duration<double, std::milli>(direct).count() / n;
  double launched_ms = std::chrono::duration<double, std::milli>(launched).count() / n;
  state.counters["direct_ms"] = direct_ms;
  state.counters["launcher_ms"] = launched_ms;
  state.counters["overhead_ms"] = launched_ms - direct_ms;
  state.counters["ratio"] = launched_ms / direct_ms;
  // CPU (harness + program, user + sys) per run, launcher minus direct.
  state.counters["cpu_overhead_ms"] = (launched_cpu - direct_cpu) * 1e3 / n;
}

BENCHMARK_CAPTURE(BM_Direct, bin_true, &bin_true)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Launcher, bin_true, &bin_true, false)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Direct, cpp_noop, &cpp_noop)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Launcher, cpp_noop, &cpp_noop, false)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
// Overhead: repeated, so the report carries median and spread (shared, loaded machines).
BENCHMARK_CAPTURE(BM_Overhead, bin_true, &bin_true, false)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(1.0)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_Overhead, cpp_noop, &cpp_noop, false)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(1.0)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
// Python with faulthandler armed through sitecustomize: the cost a Python case run pays.
BENCHMARK_CAPTURE(BM_Overhead, python_pass_armed, &python_pass, true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
