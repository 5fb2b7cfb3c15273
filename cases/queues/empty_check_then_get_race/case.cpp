// Four workers drain 200 items the racy way (while !q.empty(): q.get_nowait()) and then the atomic
// way (get_nowait() until Empty). The racy way can meet Empty right after empty() said false; the
// worker then stops, as one that did not expect it would crash. Both ways take every item exactly
// once: the worker that stops last finds the queue really empty.
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

constexpr int item_count = 200;
constexpr int worker_count = 4;

}  // namespace

using Report = std::tuple<std::vector<int>, int, std::vector<int>>;  // racy taken, surprises, atomic taken

void fill(mp::Queue<int> racy, mp::Queue<int> atomic) {
  for (int item = 0; item < item_count; ++item) {
    racy.put(item);
    atomic.put(item);
  }
}

void drain(mp::Queue<int> racy, mp::Queue<int> atomic, mp::Barrier start_together, mp::Queue<Report> reports) {
  start_together.wait(std::chrono::seconds(30));
  std::vector<int> racy_taken;
  int surprises = 0;
  while (!racy.empty()) {
    try {
      racy_taken.push_back(racy.get_nowait());
    } catch (const mp::Empty&) {
      ++surprises;  // empty() said false, yet there was nothing to get
      break;
    }
  }
  start_together.wait(std::chrono::seconds(30));
  std::vector<int> atomic_taken;
  while (true) {
    try {
      atomic_taken.push_back(atomic.get_nowait());
    } catch (const mp::Empty&) {
      break;
    }
  }
  reports.put(Report{racy_taken, surprises, atomic_taken});
}

void run_case(const parity::CaseArgs&) {
  mp::Queue<int> racy;
  mp::Queue<int> atomic;
  mp::Queue<Report> reports;
  mp::Process filler(fill, racy, atomic);
  filler.start();
  filler.join();
  mp::Barrier start_together(worker_count);
  std::vector<std::unique_ptr<mp::Process>> workers;
  for (int w = 0; w < worker_count; ++w)
    workers.push_back(std::make_unique<mp::Process>(drain, racy, atomic, start_together, reports));
  for (auto& w : workers) w->start();
  std::vector<Report> results;
  for (int w = 0; w < worker_count; ++w) results.push_back(reports.get(true, std::chrono::seconds(30)));
  for (auto& w : workers) w->join();

  std::vector<int> racy_taken, atomic_taken;
  int surprises = 0, stopped_by_empty = 0;
  std::size_t atomic_most = 0;
  for (const auto& [racy_items, worker_surprises, atomic_items] : results) {
    racy_taken.insert(racy_taken.end(), racy_items.begin(), racy_items.end());
    atomic_taken.insert(atomic_taken.end(), atomic_items.begin(), atomic_items.end());
    surprises += worker_surprises;
    stopped_by_empty += worker_surprises ? 1 : 0;
    atomic_most = std::max(atomic_most, atomic_items.size());
  }
  std::sort(racy_taken.begin(), racy_taken.end());
  std::sort(atomic_taken.begin(), atomic_taken.end());
  std::vector<int> expected(item_count);
  std::iota(expected.begin(), expected.end(), 0);

  std::cout << worker_count << " workers drain " << item_count
            << " items with empty() then get_nowait(), then with get_nowait() alone" << std::endl;
  std::cout << "empty() then get_nowait(): every item taken exactly once: "
            << (racy_taken == expected ? "yes" : "no") << std::endl;
  std::cout << "get_nowait() alone: every item taken exactly once: " << (atomic_taken == expected ? "yes" : "no")
            << std::endl;
  std::cout << "worker exitcodes";
  for (auto& w : workers) std::cout << " " << *w->exitcode();
  std::cout << std::endl;
  std::cout << "@metric empty_after_nonempty_check " << surprises << std::endl;
  std::cout << "@metric racy_workers_stopped_by_empty " << stopped_by_empty << std::endl;
  std::cout << "@metric atomic_most_items_one_worker " << atomic_most << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
