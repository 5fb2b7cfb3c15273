// Seed 002: Pool(2) with maxtasksperchild = 1. A worker exits after one task and the pool starts a
// new one, so every task runs in a process of its own. Pids vary: the facts are counts.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

int worker_pid(int /*task*/) { return ::getpid(); }

void run_case(const parity::CaseArgs&) {
  const int tasks = 4;
  std::vector<int> inputs;
  for (int i = 0; i < tasks; ++i) inputs.push_back(i);
  std::vector<int> pids;
  {
    mp::Pool pool(mp::PoolOptions{.processes = 2, .maxtasksperchild = 1});
    pids = pool.map(worker_pid, inputs, 1);
  }
  const bool parent_ran = std::find(pids.begin(), pids.end(), ::getpid()) != pids.end();
  std::cout << "tasks " << tasks << std::endl;
  std::cout << "distinct worker pids " << std::set<int>(pids.begin(), pids.end()).size() << std::endl;
  std::cout << "parent ran a task: " << (parent_ran ? "yes" : "no") << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
