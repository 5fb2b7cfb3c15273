// An exception leaving a `with lock:` body releases the lock; one raised after a bare acquire()
// leaves it held, even after the process that held it has exited. C++'s `with` is a
// std::lock_guard; the bare acquire() is the same call.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>

void raise_inside_with(mp::Lock lock) {
  std::lock_guard guard(lock);
  throw mp::ValueError("raised while holding the lock");
}

void raise_after_acquire(mp::Lock lock) {
  lock.acquire();
  throw mp::ValueError("raised while holding the lock");
}

void run(const std::string& name, void (*target)(mp::Lock), mp::Lock lock) {
  mp::Process child(target, lock);
  child.start();
  child.join();
  const bool acquired = lock.acquire(true, std::chrono::milliseconds(500));
  std::cout << name << ": child exitcode " << *child.exitcode() << ", parent's acquire(timeout=0.5): "
            << (acquired ? "True" : "False") << std::endl;
  if (acquired) lock.release();
}

void run_case(const parity::CaseArgs&) {
  run("raise_inside_with", raise_inside_with, mp::Lock());
  run("raise_after_acquire", raise_after_acquire, mp::Lock());
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
