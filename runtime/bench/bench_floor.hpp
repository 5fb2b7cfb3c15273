#pragma once
// What the connection and queue benchmarks share: the raw floors they are compared with (a 1-byte
// pipe ping-pong between two processes, a raw pipe stream of 1 MiB writes), a main() that calls
// mp::init first, and a reporter that prints each mp figure as a ratio of its floor.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mp/mp.hpp"

namespace bench {

// Reads exactly n bytes (aborts on EOF/error: a broken floor must not pass for a fast one).
inline void read_full(int fd, char* out, std::size_t n) {
  while (n > 0) {
    ssize_t got = ::read(fd, out, n);
    if (got <= 0) std::abort();
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}

inline void write_full(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t put = ::write(fd, data, n);
    if (put <= 0) std::abort();
    data += put;
    n -= static_cast<std::size_t>(put);
  }
}

// The floor: one byte there and back between two processes over two pipes (per iteration).
inline void raw_pipe_round_trip(benchmark::State& state) {
  int to_child[2], to_parent[2];
  if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(to_child[1]);
    ::close(to_parent[0]);
    char byte;
    while (::read(to_child[0], &byte, 1) == 1) {
      if (::write(to_parent[1], &byte, 1) != 1) break;
    }
    ::_exit(0);
  }
  ::close(to_child[0]);
  ::close(to_parent[1]);
  char byte = 'x';
  for (auto _ : state) {
    write_full(to_child[1], &byte, 1);
    read_full(to_parent[0], &byte, 1);
  }
  ::close(to_child[1]);
  ::close(to_parent[0]);
  ::waitpid(pid, nullptr, 0);
}

// The bandwidth floor: 1 MiB writes from a child, read by the parent (per iteration: 1 MiB).
inline void raw_pipe_bandwidth_1mib(benchmark::State& state) {
  constexpr std::size_t kChunk = 1 << 20;
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string chunk(kChunk, 'x');
    for (;;) {
      ssize_t put = 0;
      std::size_t done = 0;
      while (done < kChunk && (put = ::write(fds[1], chunk.data() + done, kChunk - done)) > 0) {
        done += static_cast<std::size_t>(put);
      }
      if (put <= 0) ::_exit(0);
    }
  }
  ::close(fds[1]);
  std::string buffer(kChunk, '\0');
  for (auto _ : state) read_full(fds[0], buffer.data(), kChunk);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kChunk));
  ::close(fds[0]);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// Console output plus, at the end, each "<name> / <floor>" ratio of real time per iteration (or
// of bytes/items per second where the pair is a rate), from this one run: the median of the
// repetitions where a benchmark has them.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Ratio {
    std::string name, floor;
    bool rate;  // compare bytes_per_second / items_per_second instead of time
    double target;
    std::string target_text;
    double floor_value = 0;  // used when floor is "": a fixed rate (e.g. CPython's, measured apart)
  };
  // "<name> - <floor>": what a call costs beyond its floor, real time per iteration.
  struct Excess {
    std::string name, floor;
    double target_seconds;
    std::string target_text;
  };
  explicit RatioReporter(std::vector<Ratio> ratios, std::vector<Excess> excesses = {})
      : ratios_(std::move(ratios)), excesses_(std::move(excesses)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // With repetitions, the median stands for the benchmark (the machine is noisy).
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type != Run::RT_Iteration && !median) continue;
      // Known by its function name ("BM_Pipe_RoundTrip") and, with arguments, by
      // "<function>/<args>" ("BM_Queue_Bandwidth_1MiB/0").
      std::vector<std::string> keys{run.run_name.function_name};
      if (!run.run_name.args.empty()) {
        keys.push_back(run.run_name.function_name + "/" + run.run_name.args);
      }
      for (const std::string& key : keys) {
        Figures& f = figures_[key];
        if (f.from_median && !median) continue;
        f.from_median = median;
        f.seconds_per_iteration = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
        auto bytes = run.counters.find("bytes_per_second");
        if (bytes != run.counters.end()) f.rate = bytes->second;
        auto items = run.counters.find("items_per_second");
        if (items != run.counters.end()) f.rate = items->second;
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratios (one run):\n");
    for (const Ratio& r : ratios_) {
      auto a = figures_.find(r.name);
      if (a == figures_.end()) continue;
      double ratio = 0;
      if (r.floor.empty()) {
        ratio = a->second.rate / r.floor_value;
      } else {
        auto b = figures_.find(r.floor);
        if (b == figures_.end()) continue;
        ratio = r.rate ? a->second.rate / b->second.rate
                       : a->second.seconds_per_iteration / b->second.seconds_per_iteration;
      }
      bool ok = r.rate ? ratio >= r.target : ratio <= r.target;
      std::string floor = r.floor.empty() ? std::to_string(r.floor_value) : r.floor;
      std::printf("  %-40s / %-30s = %6.2f  (target %s) %s\n", r.name.c_str(), floor.c_str(),
                  ratio, r.target_text.c_str(), ok ? "ok" : "MISSED");
    }
    for (const Excess& e : excesses_) {
      auto a = figures_.find(e.name);
      auto b = figures_.find(e.floor);
      if (a == figures_.end() || b == figures_.end()) continue;
      const double excess = a->second.seconds_per_iteration - b->second.seconds_per_iteration;
      std::printf("  %-40s - %-30s = %6.2f us  (target %s) %s\n", e.name.c_str(), e.floor.c_str(),
                  excess * 1e6, e.target_text.c_str(), excess <= e.target_seconds ? "ok" : "MISSED");
    }
    std::fflush(stdout);
  }

 private:
  struct Figures {
    double seconds_per_iteration = 0;
    double rate = 0;
    bool from_median = false;
  };
  std::vector<Ratio> ratios_;
  std::vector<Excess> excesses_;
  std::map<std::string, Figures> figures_;
};

// The command line of a benchmark binary: as given, or, when given no argument, `repetitions`
// randomly interleaved repetitions reporting aggregates only (the machine's load drifts; interleaving
// exposes the floors and the measured calls to the same drift, and the medians are compared).
class InterleavedByDefault {
 public:
  InterleavedByDefault(int argc, char** argv, int repetitions = 5) : args_(argv, argv + argc) {
    flags_[0] = "--benchmark_repetitions=" + std::to_string(repetitions);
    if (argc == 1) {
      for (std::string& flag : flags_) args_.push_back(flag.data());
    }
    count_ = static_cast<int>(args_.size());
    args_.push_back(nullptr);
  }
  int& argc() noexcept { return count_; }
  char** argv() noexcept { return args_.data(); }

 private:
  std::string flags_[3] = {"", "--benchmark_enable_random_interleaving=true",
                           "--benchmark_report_aggregates_only=true"};
  std::vector<char*> args_;
  int count_ = 0;
};

// Round-trip benchmarks run this many times (medians compared): one run on a loaded 2-core
// machine can be off by 50%.
inline constexpr int kRoundTripRepetitions = 5;

// main() of a benchmark binary: mp::init first (children enter their target there).
inline int run(int argc, char** argv, std::vector<RatioReporter::Ratio> ratios,
               std::vector<RatioReporter::Excess> excesses = {}) {
  mp::init(argc, argv);
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter(std::move(ratios), std::move(excesses));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace bench
