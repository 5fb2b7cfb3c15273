// `v.value += 1` is a locked read then a locked write, not an atomic increment: only holding
// get_lock() around it makes N processes x k increments exact. The processes start each phase
// together (a Barrier), and the unlocked phase lasts a fixed time rather than a fixed count, so
// the increments overlap and lose updates however fast each one is.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <vector>

namespace {

constexpr int kProcesses = 4;
constexpr int kIncrements = 5000;
constexpr int kRaceMs = 200;  // how long the unlocked increments race
constexpr int kBatch = 100;   // increments between two looks at the clock

void run_all(std::vector<std::unique_ptr<mp::Process>>& children) {
  for (auto& child : children) child->start();
  for (auto& child : children) child->join();
}

}  // namespace

void add_locked(mp::Value<int> counter, mp::Barrier start) {
  start.wait();
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard guard(counter.get_lock());
    counter.set_value(counter.value() + 1);
  }
}

// Python's `counter.value += 1`: each step takes the lock, the pair does not. Runs for kRaceMs
// after the barrier; how many it made goes to its own slot of `made`.
void add_unlocked(mp::Value<int> counter, mp::Barrier start, mp::RawArray<std::int64_t> made, int index) {
  start.wait();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRaceMs);
  std::int64_t count = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < kBatch; ++i) counter.set_value(counter.value() + 1);
    count += kBatch;
  }
  made[static_cast<std::size_t>(index)] = count;
}

void run_case(const parity::CaseArgs&) {
  std::cout << kProcesses << " processes x " << kIncrements << " increments of a shared Value('i'), from a Barrier"
            << std::endl;
  {
    mp::Value<int> counter(0);
    mp::Barrier start(kProcesses);
    std::vector<std::unique_ptr<mp::Process>> children;
    for (int i = 0; i < kProcesses; ++i) children.push_back(std::make_unique<mp::Process>(add_locked, counter, start));
    run_all(children);
    std::cout << "with get_lock() held: " << counter.value() << std::endl;
  }
  mp::Value<int> counter(0);
  mp::Barrier start(kProcesses);
  mp::RawArray<std::int64_t> made(kProcesses);
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kProcesses; ++i)
    children.push_back(std::make_unique<mp::Process>(add_unlocked, counter, start, made, i));
  run_all(children);
  const std::int64_t total = std::accumulate(made.begin(), made.end(), std::int64_t{0});
  std::cout << "without it, for " << kRaceMs << " ms: at most the increments made: "
            << (counter.value() <= total ? "yes" : "no") << std::endl;
  std::cout << "@metric lost_updates " << total - counter.value() << std::endl;
  std::cout << "@metric unlocked_increments " << total << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
