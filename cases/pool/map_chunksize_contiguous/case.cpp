// Pool.map with an explicit chunksize hands each worker contiguous chunks: map(record, 0..11,
// chunksize=3) on Pool(2). Each item reports its worker's pid and a per-worker call counter (a
// global in the worker): within a chunk the pid is the same and the counters consecutive.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <unistd.h>

namespace {

constexpr int item_count = 12;
constexpr int chunksize = 3;

}  // namespace

int calls_in_this_worker = 0;  // a per-process global: each worker counts its own calls

std::tuple<int, int, int> record(int item) {
  ++calls_in_this_worker;
  std::this_thread::sleep_for(std::chrono::milliseconds(2));  // long enough for both workers to take part
  return {item, static_cast<int>(getpid()), calls_in_this_worker};
}

namespace {

void run_case(const parity::CaseArgs&) {
  std::vector<int> items(item_count);
  std::iota(items.begin(), items.end(), 0);
  std::vector<std::tuple<int, int, int>> results;
  {
    mp::Pool pool(2);
    results = pool.map(record, items, chunksize);
  }
  std::cout << "items " << item_count << " chunksize " << chunksize << " workers 2" << std::endl;
  bool in_order = results.size() == items.size();
  for (std::size_t i = 0; in_order && i < results.size(); ++i) in_order = std::get<0>(results[i]) == items[i];
  std::cout << "results in input order: " << (in_order ? "yes" : "no") << std::endl;
  for (std::size_t start = 0; start < results.size(); start += chunksize) {
    std::size_t end = std::min(results.size(), start + chunksize);
    bool one_worker = true, consecutive = true;
    for (std::size_t i = start + 1; i < end; ++i) {
      one_worker = one_worker && std::get<1>(results[i]) == std::get<1>(results[start]);
      consecutive = consecutive && std::get<2>(results[i]) == std::get<2>(results[start]) + static_cast<int>(i - start);
    }
    std::cout << "chunk " << start << "-" << end - 1 << " ran in one worker, consecutively: "
              << (one_worker && consecutive ? "yes" : "no") << std::endl;
  }
  std::set<int> pids;
  int chunks_by_first = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    pids.insert(std::get<1>(results[i]));
    if (i % chunksize == 0 && std::get<1>(results[i]) == std::get<1>(results[0])) ++chunks_by_first;
  }
  std::cout << "@metric workers_used " << pids.size() << std::endl;
  std::cout << "@metric chunks_run_by_first_worker " << chunks_by_first << std::endl;
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
