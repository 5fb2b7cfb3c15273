// Semaphore(2) admits at most two of five processes at once. The five wait at a Barrier first, so
// they contend together, and each holds its slot for 50 ms: two are inside together on every run.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {
constexpr int kProcesses = 5;
constexpr int kSlots = 2;
}  // namespace

void work(mp::Semaphore semaphore, mp::Barrier start, mp::Value<int> inside, mp::Value<int> most_inside,
          mp::Value<int> entries) {
  start.wait();
  std::lock_guard slot(semaphore);
  {
    std::lock_guard guard(inside.get_lock());
    inside.set_value(inside.value() + 1);
    most_inside.set_value(std::max(most_inside.value(), inside.value()));
    entries.set_value(entries.value() + 1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard guard(inside.get_lock());
  inside.set_value(inside.value() - 1);
}

void run_case(const parity::CaseArgs&) {
  mp::Semaphore semaphore(kSlots);
  mp::Barrier start(kProcesses + 1);
  mp::Value<int> inside(0), most_inside(0), entries(0);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kProcesses; ++i)
    children.push_back(std::make_unique<mp::Process>(work, semaphore, start, inside, most_inside, entries));
  for (auto& child : children) child->start();
  start.wait();
  for (auto& child : children) child->join();
  std::cout << kProcesses << " processes through Semaphore(" << kSlots << "): " << entries.value() << " entries" << std::endl;
  std::cout << "inside at the end: " << inside.value() << std::endl;
  std::cout << "semaphore value at the end: " << semaphore.get_value() << std::endl;
  std::cout << "@metric most_inside " << most_inside.value() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
