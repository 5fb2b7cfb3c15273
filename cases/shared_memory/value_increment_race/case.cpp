// `v.value += 1` is a locked read then a locked write, not an atomic increment: only holding
// get_lock() around it makes N processes x k increments exact.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

constexpr int kProcesses = 4;
constexpr int kIncrements = 5000;

}  // namespace

void add_locked(mp::Value<int> counter) {
  for (int i = 0; i < kIncrements; ++i) {
    std::lock_guard guard(counter.get_lock());
    counter.set_value(counter.value() + 1);
  }
}

// Python's `counter.value += 1`: each step takes the lock, the pair does not.
void add_unlocked(mp::Value<int> counter) {
  for (int i = 0; i < kIncrements; ++i) counter.set_value(counter.value() + 1);
}

int run(void (*target)(mp::Value<int>), mp::Value<int> counter) {
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < kProcesses; ++i) children.push_back(std::make_unique<mp::Process>(target, counter));
  for (auto& child : children) child->start();
  for (auto& child : children) child->join();
  return counter.value();
}

void run_case(const parity::CaseArgs&) {
  const int total = kProcesses * kIncrements;
  std::cout << kProcesses << " processes x " << kIncrements << " increments of a shared Value('i')" << std::endl;
  int locked = run(add_locked, mp::Value<int>(0));
  std::cout << "with get_lock() held: " << locked << std::endl;
  int unlocked = run(add_unlocked, mp::Value<int>(0));
  std::cout << "without it: at most " << total << ": " << (unlocked <= total ? "yes" : "no") << std::endl;
  std::cout << "@metric lost_updates " << total - unlocked << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
