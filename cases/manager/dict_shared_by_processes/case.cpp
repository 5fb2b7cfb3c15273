// Seed 001's server process: a Manager's dict set by four processes, its list appended by pool
// workers, and a Value incremented under a manager Lock by four processes to exactly 4000.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

constexpr int kProcesses = 4;
constexpr int kIncrements = 1000;

void set_key(mp::DictProxy<std::string, int> d, std::string key, int value) { d.set(key, value); }

void append_square(mp::ListProxy<int> l, int x) { l.append(x * x); }

void add_under_lock(mp::ValueProxy<int> counter, mp::AcquirerProxy lock, int times) {
  for (int i = 0; i < times; ++i) {
    std::lock_guard guard(lock);
    counter.set_value(counter.value() + 1);
  }
}

std::vector<int> run_all(std::vector<std::unique_ptr<mp::Process>>& processes) {
  for (auto& p : processes) p->start();
  std::vector<int> exitcodes;
  for (auto& p : processes) {
    p->join();
    exitcodes.push_back(*p->exitcode());
  }
  return exitcodes;
}

void run_case(const parity::CaseArgs&) {
  mp::Manager manager;
  auto d = manager.dict<std::string, int>();
  std::vector<std::unique_ptr<mp::Process>> setters;
  for (int i = 0; i < kProcesses; ++i) {
    setters.push_back(std::make_unique<mp::Process>(set_key, d, "p" + std::to_string(i), i));
  }
  std::cout << "setters exitcodes";
  for (int code : run_all(setters)) std::cout << ' ' << code;
  std::cout << std::endl;
  std::cout << "dict has " << d.size() << " keys:";
  for (const auto& [key, value] : d.copy()) std::cout << ' ' << key << '=' << value;
  std::cout << std::endl;

  auto l = manager.list<int>();
  {
    mp::Pool pool(2);
    std::vector<std::tuple<mp::ListProxy<int>, int>> tasks;
    for (int x = 0; x < 8; ++x) tasks.emplace_back(l, x);
    pool.starmap(append_square, tasks);
  }
  std::vector<int> squares = l.list();
  std::sort(squares.begin(), squares.end());
  std::cout << "list has " << l.size() << " items:";
  for (int x : squares) std::cout << ' ' << x;
  std::cout << std::endl;

  auto counter = manager.Value<int>(0);
  auto lock = manager.Lock();
  std::vector<std::unique_ptr<mp::Process>> adders;
  for (int i = 0; i < kProcesses; ++i) {
    adders.push_back(std::make_unique<mp::Process>(add_under_lock, counter, lock, kIncrements));
  }
  run_all(adders);
  std::cout << "counter " << counter.value() << ", expected " << kProcesses * kIncrements << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
