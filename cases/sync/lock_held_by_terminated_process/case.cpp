// A Lock held by a process that is terminated stays held: nobody can acquire it afterwards.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>

void hold(mp::Lock lock, mp::Event held) {
  lock.acquire();
  held.set();
  sleep(60);
}

void try_acquire(mp::Lock lock, mp::Queue<std::string> results) {
  results.put(lock.acquire(true, std::chrono::milliseconds(200)) ? "yes" : "no");
}

void run_case(const parity::CaseArgs&) {
  using namespace std::chrono_literals;
  mp::Lock lock;
  mp::Event held;
  mp::Process holder(hold, lock, held);
  holder.start();
  std::cout << "holder took the lock: " << (held.wait(10s) ? "yes" : "no") << std::endl;
  holder.terminate();
  holder.join();
  std::cout << "holder exitcode " << *holder.exitcode() << std::endl;
  std::cout << "parent acquire(timeout=0.2) after the holder died: "
            << (lock.acquire(true, 200ms) ? "yes" : "no") << std::endl;
  std::cout << "lock " << lock.repr() << std::endl;
  mp::Queue<std::string> results;
  mp::Process other(try_acquire, lock, results);
  other.start();
  std::cout << "another process acquire(timeout=0.2): " << results.get(true, 10s) << std::endl;
  other.join();
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
