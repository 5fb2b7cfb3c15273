// CPython's errors for releasing what is not held, and for Condition and Barrier misuse.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <mutex>
#include <string>

namespace {

// Python's f"{what}: {type(e).__name__}: {e}" (an empty message leaves the ": ").
template <class F>
void report(const std::string& what, F fn) {
  try {
    fn();
    std::cout << what << ": ok" << std::endl;
  } catch (const mp::Error& error) {
    std::cout << what << ": " << error.type_name() << ": " << error.what() << std::endl;
  }
}

}  // namespace

void release_foreign(mp::RLock rlock, mp::Queue<std::string> results) {
  try {
    rlock.release();
    results.put("released");
  } catch (const mp::Error& error) {
    results.put(error.str());
  }
}

void run_case(const parity::CaseArgs&) {
  using namespace std::chrono_literals;
  mp::Lock lock;
  report("release an unheld Lock", [&] { lock.release(); });
  lock.acquire();
  report("release a held Lock", [&] { lock.release(); });
  mp::BoundedSemaphore bounded(2);
  report("release a full BoundedSemaphore(2)", [&] { bounded.release(); });
  mp::Semaphore semaphore(0);
  report("release a Semaphore(0) twice", [&] {
    semaphore.release();
    semaphore.release();
  });
  std::cout << "Semaphore value " << semaphore.get_value() << std::endl;
  mp::RLock rlock;
  report("release an unheld RLock", [&] { rlock.release(); });
  rlock.acquire();
  mp::Queue<std::string> results;
  mp::Process child(release_foreign, rlock, results);
  child.start();
  std::cout << "child releases the parent's RLock: " << results.get(true, 10s) << std::endl;
  child.join();
  rlock.release();
  mp::Condition condition;
  report("Condition.wait without the lock", [&] { condition.wait(100ms); });
  report("Condition.notify without the lock", [&] { condition.notify(); });
  report("Condition.notify_all without the lock", [&] { condition.notify_all(); });
  {
    std::lock_guard guard(condition);
    std::cout << "Condition.wait(0.05) with the lock: " << (condition.wait(50ms) ? "notified" : "timed out")
              << std::endl;
  }
  mp::Barrier barrier(2, nullptr, 50ms);
  report("Barrier(2).wait alone, timeout 0.05", [&] { barrier.wait(); });
  std::cout << "Barrier broken " << (barrier.broken() ? "yes" : "no") << std::endl;
  report("Barrier.wait on a broken barrier", [&] { barrier.wait(); });
  barrier.reset();
  std::cout << "after reset, broken " << (barrier.broken() ? "yes" : "no") << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
