// Pool.map returns results in input order though tasks finish out of order: seed 000's tasks of
// 3, 5, 2 and 4 s scaled to 60, 100, 40 and 80 ms on Pool(4). The finishing order (from
// CLOCK_MONOTONIC stamps taken in the workers) goes to metrics.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using Task = std::pair<std::string, int>;  // name, duration in ms

std::pair<std::string, std::int64_t> work_log(const Task& task) {
  std::this_thread::sleep_for(std::chrono::milliseconds(task.second));
  // steady_clock is CLOCK_MONOTONIC, system-wide: finish times of different workers compare.
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return {task.first, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()};
}

namespace {

void run_case(const parity::CaseArgs&) {
  const std::vector<Task> tasks{{"task1", 60}, {"task2", 100}, {"task3", 40}, {"task4", 80}};
  std::cout << "tasks";
  for (const auto& [name, ms] : tasks) std::cout << " " << name << "=" << ms << "ms";
  std::cout << std::endl;
  std::vector<std::pair<std::string, std::int64_t>> results;
  {
    mp::Pool pool(4);
    results = pool.map(work_log, tasks);
  }
  std::cout << "map returned";
  for (const auto& result : results) std::cout << " " << result.first;
  std::cout << std::endl;
  bool in_order = results.size() == tasks.size() &&
                  std::equal(tasks.begin(), tasks.end(), results.begin(),
                             [](const Task& t, const auto& r) { return t.first == r.first; });
  std::cout << "results in input order: " << (in_order ? "yes" : "no") << std::endl;
  auto by_finish = results;
  std::stable_sort(by_finish.begin(), by_finish.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  bool out_of_order = false;
  for (std::size_t rank = 0; rank < by_finish.size(); ++rank) {
    std::cout << "@metric finish_rank_" << by_finish[rank].first << " " << rank + 1 << std::endl;
    out_of_order = out_of_order || by_finish[rank].first != tasks[rank].first;
  }
  std::cout << "@metric finished_out_of_input_order " << (out_of_order ? 1 : 0) << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
