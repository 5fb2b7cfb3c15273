// Pool.imap yields results in input order, even when the first task is the slowest: Pool(2), tasks
// of 80, 10, 40, 0 and 20 ms.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr std::array<int, 5> durations_ms{80, 10, 40, 0, 20};

}  // namespace

std::pair<int, std::int64_t> run_task(int index) {
  std::this_thread::sleep_for(std::chrono::milliseconds(durations_ms[index]));
  // steady_clock is CLOCK_MONOTONIC, system-wide: finish times of different workers compare.
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return {index, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()};
}

namespace {

void run_case(const parity::CaseArgs&) {
  std::cout << "tasks";
  for (std::size_t i = 0; i < durations_ms.size(); ++i) std::cout << " task" << i << "=" << durations_ms[i] << "ms";
  std::cout << std::endl;
  std::vector<int> indices;
  for (std::size_t i = 0; i < durations_ms.size(); ++i) indices.push_back(static_cast<int>(i));
  std::vector<std::pair<std::int64_t, int>> finished;  // finish time, index, in yield order
  {
    mp::Pool pool(2);
    auto results = pool.imap(run_task, indices);
    while (auto result = results.next()) {
      auto [index, finish_ns] = *result;
      std::cout << "imap yielded task" << index << std::endl;
      finished.emplace_back(finish_ns, index);
    }
  }
  bool in_order = finished.size() == indices.size();
  for (std::size_t i = 0; in_order && i < finished.size(); ++i) in_order = finished[i].second == indices[i];
  std::cout << "yielded in input order: " << (in_order ? "yes" : "no") << std::endl;
  auto by_finish = finished;
  std::sort(by_finish.begin(), by_finish.end());
  std::size_t rank_of_task0 = 0;
  bool out_of_order = false;
  for (std::size_t rank = 0; rank < by_finish.size(); ++rank) {
    if (by_finish[rank].second == 0) rank_of_task0 = rank + 1;
    out_of_order = out_of_order || by_finish[rank].second != static_cast<int>(rank);
  }
  std::cout << "@metric finish_rank_task0 " << rank_of_task0 << std::endl;
  std::cout << "@metric finished_out_of_input_order " << (out_of_order ? 1 : 0) << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
