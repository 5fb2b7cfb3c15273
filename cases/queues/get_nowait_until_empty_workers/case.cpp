// 10 items, 4 workers each calling get_nowait() until Empty: exactly 4 Empty (one per worker's
// loop) and every item taken exactly once. A filler process puts the items and is joined first:
// its exit waits for its feeder, so every item is in the pipe before a worker starts.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

namespace {

constexpr int item_count = 10;
constexpr int worker_count = 4;

}  // namespace

using Report = std::tuple<int, std::vector<int>, int>;  // worker, items taken, Empty raised

void fill(mp::Queue<int> items) {
  for (int item = 0; item < item_count; ++item) items.put(item);
}

void drain(int worker, mp::Queue<int> items, mp::Queue<Report> reports) {
  std::vector<int> taken;
  int empties = 0;
  while (true) {
    try {
      taken.push_back(items.get_nowait());
    } catch (const mp::Empty&) {
      ++empties;
      break;
    }
  }
  reports.put(Report{worker, taken, empties});
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<int> items;
  mp::Queue<Report> reports;
  mp::Process filler(fill, items);
  filler.start();
  filler.join();
  std::cout << "a filler process put " << item_count << " items and was joined (exitcode "
            << *filler.exitcode() << ")" << std::endl;
  std::vector<std::unique_ptr<mp::Process>> workers;
  for (int w = 0; w < worker_count; ++w) workers.push_back(std::make_unique<mp::Process>(drain, w, items, reports));
  for (auto& w : workers) w->start();
  std::vector<Report> results;
  for (int w = 0; w < worker_count; ++w) results.push_back(reports.get(true, std::chrono::seconds(30)));
  for (auto& w : workers) w->join();

  std::vector<int> taken;
  std::vector<int> per_worker;
  int empties = 0;
  for (const auto& [worker, items_taken, worker_empties] : results) {
    taken.insert(taken.end(), items_taken.begin(), items_taken.end());
    per_worker.push_back(static_cast<int>(items_taken.size()));
    empties += worker_empties;
  }
  std::sort(taken.begin(), taken.end());
  std::sort(per_worker.begin(), per_worker.end());
  std::vector<int> expected(item_count);
  std::iota(expected.begin(), expected.end(), 0);

  std::cout << worker_count << " workers called get_nowait until Empty" << std::endl;
  std::cout << "Empty raised " << empties << " times" << std::endl;
  std::cout << "items taken " << taken.size() << ":";
  for (int item : taken) std::cout << " " << item;
  std::cout << std::endl;
  std::cout << "every item taken exactly once: " << (taken == expected ? "yes" : "no") << std::endl;
  std::cout << "worker exitcodes";
  for (auto& w : workers) std::cout << " " << *w->exitcode();
  std::cout << std::endl;
  std::cout << "@metric empties " << empties << std::endl;
  std::cout << "@metric most_items_one_worker " << per_worker.back() << std::endl;
  std::cout << "@metric workers_with_no_item " << std::count(per_worker.begin(), per_worker.end(), 0) << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
