// Seeds 000 and 003: CPU-bound work on 2 threads gains nothing in CPython (one thread at a time
// holds the GIL) and about 2x on 2 processes. C++ threads have no GIL: both gain.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <thread>
#include <time.h>
#include <vector>

namespace {

constexpr int kWorkers = 2;
constexpr int kRounds = 3;


double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Wall seconds and this process's CPU seconds (every thread's) that run() took.
struct Timing {
  double wall_s;
  double cpu_s;
};
template <class Run>
Timing timed(Run run) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  run();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          cpu_seconds() - cpu_start};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

// The same dependent chain as the Python side's loop. The empty asm makes x opaque to the
// optimizer at each step, so the loop is neither folded into a closed form nor vectorized.
void work(std::int64_t iterations) {
  std::uint32_t x = 0;
  for (std::int64_t i = 0; i < iterations; ++i) {
    x = x * 31 + static_cast<std::uint32_t>(i);
    asm volatile("" : "+r"(x));
  }
}

void run_case(const parity::CaseArgs& args) {
  const std::int64_t iterations = args.int_param("iterations", 100'000'000);
  auto serial = [&] {
    for (int i = 0; i < kWorkers; ++i) work(iterations);
  };
  auto on_threads = [&] {
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i) threads.emplace_back(work, iterations);
    for (auto& thread : threads) thread.join();
  };
  auto on_processes = [&] {
    std::vector<std::unique_ptr<mp::Process>> processes;
    for (int i = 0; i < kWorkers; ++i) processes.push_back(std::make_unique<mp::Process>(work, iterations));
    for (auto& process : processes) process->start();
    for (auto& process : processes) process->join();
  };
  // Rounds interleave the configurations, so a burst of load from outside slows all three.
  std::vector<double> serial_s, threads_s, processes_s, threads_parallelism;
  for (int round = 0; round < kRounds; ++round) {
    serial_s.push_back(timed(serial).wall_s);
    const Timing threads = timed(on_threads);
    threads_s.push_back(threads.wall_s);
    threads_parallelism.push_back(threads.cpu_s / threads.wall_s);
    processes_s.push_back(timed(on_processes).wall_s);
  }
  const double serial_median = median(serial_s);
  std::cout << "CPU-bound work, " << kWorkers << " units: serial, on " << kWorkers << " threads, on " << kWorkers
            << " processes" << std::endl;
  std::cout << std::fixed << std::setprecision(2);
  std::cout << "@metric threads_parallelism " << median(threads_parallelism) << std::endl;
  std::cout << "@metric threads_speedup " << serial_median / median(threads_s) << std::endl;
  std::cout << "@metric processes_speedup " << serial_median / median(processes_s) << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
