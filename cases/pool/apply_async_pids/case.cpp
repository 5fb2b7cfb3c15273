// apply_async tasks go to whichever worker is free: 8 tasks on Pool(4) use between 1 and 4
// distinct workers, never the caller.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>
#include <chrono>
#include <set>
#include <vector>

namespace {
constexpr int kWorkers = 4;
constexpr int kTasks = 8;
}  // namespace

int worker_pid() { return static_cast<int>(::getpid()); }

void run_case(const parity::CaseArgs&) {
  std::vector<int> pids;
  {
    mp::Pool pool(kWorkers);
    std::vector<mp::AsyncResult<int>> results;
    for (int i = 0; i < kTasks; ++i) results.push_back(pool.apply_async(worker_pid));
    for (auto& result : results) pids.push_back(result.get(std::chrono::seconds(10)));
  }
  const std::set<int> distinct(pids.begin(), pids.end());
  std::cout << pids.size() << " results from Pool(" << kWorkers << ")" << std::endl;
  std::cout << "none is the parent's pid: " << (distinct.count(static_cast<int>(::getpid())) ? "False" : "True") << std::endl;
  std::cout << "@metric distinct_workers " << distinct.size() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
