// run_in_order: an atomic cursor shared by the worker threads.

#include "scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace parity {

double run_in_order(std::size_t count, int workers, const std::function<void(std::size_t)>& task) {
  if (count == 0) return 0;
  std::atomic<std::size_t> next{0};
  std::atomic<long long> busy_ns{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      auto started = std::chrono::steady_clock::now();
      task(i);
      busy_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
    }
  };
  std::size_t threads_wanted = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, workers)), count);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < threads_wanted; ++i) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  return static_cast<double>(busy_ns.load()) / 1e9;
}

}  // namespace parity
