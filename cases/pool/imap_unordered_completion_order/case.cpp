// Pool.imap_unordered yields results in completion order. Pool(2), six tasks, chunksize 1: task 0
// waits (bounded) until task 2 sets an Event that reached the workers through the pool's
// initializer. The worker not stuck in task 0 runs task 1 and delivers its result before it gets
// task 2, so task 1 is always yielded before task 0, and task 0 is never first.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr int task_count = 6;

}  // namespace

std::optional<mp::Event> slow_task_may_finish;  // set in each worker by init_worker

void init_worker(mp::Event event) { slow_task_may_finish = event; }

int run_task(int index) {
  if (index == 0) {
    // Bounded: a broken pool shows up as a wrong order, never as a hang.
    slow_task_may_finish->wait(std::chrono::seconds(10));
  } else if (index == 2) {
    slow_task_may_finish->set();
  }
  return index;
}

namespace {

void run_case(const parity::CaseArgs&) {
  mp::Event event;
  std::vector<int> indices(task_count);
  std::iota(indices.begin(), indices.end(), 0);
  std::vector<int> yielded;
  {
    mp::Pool pool(mp::PoolOptions{.processes = 2, .initializer = mp::PoolInitializer(init_worker, event)});
    auto results = pool.imap_unordered(run_task, indices);
    while (std::optional<int> index = results.next()) yielded.push_back(*index);
  }
  auto position = [&](int index) {
    return static_cast<std::size_t>(std::find(yielded.begin(), yielded.end(), index) - yielded.begin());
  };
  std::vector<int> sorted = yielded;
  std::sort(sorted.begin(), sorted.end());
  std::cout << "imap_unordered yielded " << yielded.size() << " results" << std::endl;
  std::cout << "sorted results";
  for (int index : sorted) std::cout << " " << index;
  std::cout << std::endl;
  std::cout << "every task yielded exactly once: " << (sorted == indices ? "yes" : "no") << std::endl;
  std::cout << "slow task 0 yielded first: " << (!yielded.empty() && yielded[0] == 0 ? "yes" : "no") << std::endl;
  std::cout << "task 1 yielded before task 0: " << (position(1) < position(0) ? "yes" : "no") << std::endl;
  std::cout << "@metric position_of_task0 " << position(0) + 1 << std::endl;
  std::cout << "@metric yielded_in_input_order " << (yielded == indices ? 1 : 0) << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
