// Seed 002's pipe shared by pool workers under a manager Lock: the note's acquire(blocking=False)
// with an unconditional release (a failed acquire frees another worker's lock, whose release then
// raises RuntimeError: release unlocked lock, losing its reply), then the corrected blocking lock.
// The pipe reaches the workers through the pool initializer (see case.py).
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

const std::vector<int> kFahrenheit = {110, 120, 130, 140};
const std::string kReleaseError = "RuntimeError: release unlocked lock";

std::vector<double> sorted_celsius() {
  std::vector<double> celsius;
  for (int f : kFahrenheit) celsius.push_back((f - 32) * (5.0 / 9));
  std::sort(celsius.begin(), celsius.end());
  return celsius;
}

}  // namespace

mp::Connection worker_pipe;

void take_pipe(mp::Connection pipe) { worker_pipe = pipe; }

// Python's try/finally: release() runs however body ends; an exception from release() wins.
template <class Body>
void then_release(const mp::AcquirerProxy& lock, Body body) {
  try {
    body();
  } catch (...) {
    lock.release();
    throw;
  }
  lock.release();
}

void to_celsius_as_noted(mp::AcquirerProxy child_lock) {
  int f = 0;
  child_lock.acquire(false);
  then_release(child_lock, [&] { f = worker_pipe.recv<int>(); });
  double c = (f - 32) * (5.0 / 9);
  child_lock.acquire(false);
  then_release(child_lock, [&] { worker_pipe.send(c); });
}

void to_celsius_corrected(mp::AcquirerProxy child_lock) {
  int f = 0;
  {
    std::lock_guard guard(child_lock);
    f = worker_pipe.recv<int>();
  }
  double c = (f - 32) * (5.0 / 9);
  std::lock_guard guard(child_lock);
  worker_pipe.send(c);
}

// Counts of rounds: with a release error, with a reply lost, with another failure, clean.
std::map<std::string, int> run_rounds(mp::Manager& manager, void (*task)(mp::AcquirerProxy), int rounds) {
  std::map<std::string, int> counts = {{"release_error", 0}, {"reply_lost", 0}, {"other_failure", 0}, {"clean", 0}};
  std::unique_ptr<mp::Pool> pool;
  mp::Connection parent_pipe;
  for (int round = 0; round < rounds; ++round) {
    if (!pool) {
      auto [parent_end, child_end] = mp::Pipe();
      parent_pipe = parent_end;
      pool = std::make_unique<mp::Pool>(mp::PoolOptions{.processes = 2, .initializer = mp::PoolInitializer(take_pipe, child_end)});
    }
    auto child_lock = manager.Lock();
    std::vector<mp::AsyncResult<void>> results;
    for (int f : kFahrenheit) {
      parent_pipe.send(f);
      results.push_back(pool->apply_async(task, child_lock));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::vector<std::string> errors;
    int hung = 0;
    for (auto& result : results) {
      try {
        result.get(std::max(std::chrono::steady_clock::duration::zero(), deadline - std::chrono::steady_clock::now()));
      } catch (const mp::TimeoutError&) {
        ++hung;
      } catch (const mp::Error& e) {
        errors.push_back(e.type_name() + ": " + e.what());
      }
    }
    std::vector<double> received;
    while (parent_pipe.poll()) received.push_back(parent_pipe.recv<double>());
    std::sort(received.begin(), received.end());
    const bool release_error = std::count(errors.begin(), errors.end(), kReleaseError) > 0;
    const bool other_error = std::any_of(errors.begin(), errors.end(), [](const std::string& e) { return e != kReleaseError; });
    counts["release_error"] += release_error;
    counts["reply_lost"] += received.size() < kFahrenheit.size();
    counts["other_failure"] += hung > 0 || other_error;
    counts["clean"] += errors.empty() && hung == 0 && received == sorted_celsius();
    if (hung > 0) pool.reset();  // a worker stuck in a recv that lost its framing: start afresh
  }
  return counts;
}

void run_case(const parity::CaseArgs& args) {
  const int rounds = static_cast<int>(args.int_param("rounds", 20));
  mp::Manager manager;
  auto lock = manager.Lock();
  std::cout << "mechanism: first acquire(blocking=False) acquired: " << (lock.acquire(false) ? "yes" : "no") << std::endl;
  std::cout << "mechanism: second acquire(blocking=False) acquired: " << (lock.acquire(false) ? "yes" : "no") << std::endl;
  lock.release();
  std::cout << "mechanism: the second's release() freed the first's lock" << std::endl;
  try {
    lock.release();
    std::cout << "mechanism: the first's release() returned" << std::endl;
  } catch (const mp::Error& e) {
    std::cout << "mechanism: the first's release() raised " << e.type_name() << ": " << e.what() << std::endl;
  }

  auto noted = run_rounds(manager, to_celsius_as_noted, rounds);
  std::cout << "as noted: " << rounds << " rounds of 4 tasks on Pool(2)" << std::endl;
  for (const char* name : {"release_error", "reply_lost", "other_failure", "clean"}) {
    std::cout << "@metric noted_rounds_" << name << ' ' << noted[name] << std::endl;
  }
  auto corrected = run_rounds(manager, to_celsius_corrected, rounds);
  std::cout << "corrected: " << corrected["clean"] << " of " << rounds
            << " rounds received all four values exactly once" << std::endl;
  std::cout << "@metric corrected_failed_rounds " << rounds - corrected["clean"] << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
