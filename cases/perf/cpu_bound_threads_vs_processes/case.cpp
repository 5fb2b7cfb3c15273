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
#include <vector>

namespace {

constexpr int kWorkers = 2;
constexpr int kRounds = 3;


template <class Run>
double median_seconds(Run run) {
  std::vector<double> times;
  for (int i = 0; i < kRounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[kRounds / 2];
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
  const double serial_s = median_seconds([&] {
    for (int i = 0; i < kWorkers; ++i) work(iterations);
  });
  const double threads_s = median_seconds([&] {
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i) threads.emplace_back(work, iterations);
    for (auto& thread : threads) thread.join();
  });
  const double processes_s = median_seconds([&] {
    std::vector<std::unique_ptr<mp::Process>> processes;
    for (int i = 0; i < kWorkers; ++i) processes.push_back(std::make_unique<mp::Process>(work, iterations));
    for (auto& process : processes) process->start();
    for (auto& process : processes) process->join();
  });
  std::cout << "CPU-bound work, " << kWorkers << " units: serial, on " << kWorkers << " threads, on " << kWorkers
            << " processes" << std::endl;
  std::cout << kWorkers << " threads at least 1.5x faster than serial: "
            << (serial_s / threads_s >= 1.5 ? "True" : "False") << std::endl;
  std::cout << std::fixed << std::setprecision(2);
  std::cout << "@metric threads_speedup " << serial_s / threads_s << std::endl;
  std::cout << "@metric processes_speedup " << serial_s / processes_s << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
