// A Lock is a semaphore, not an owned mutex: release() from a process that does not hold it frees
// the holder's lock, and the holder's own release() then finds it released too many times.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <unistd.h>

#include <iostream>
#include <chrono>
#include <string>

namespace {
const char* yes_no(bool b) { return b ? "True" : "False"; }
}  // namespace

void hold(mp::Lock lock, mp::Event held, mp::Event done) {
  lock.acquire();
  held.set();
  done.wait(std::chrono::seconds(10));
  try {
    lock.release();
    std::cout << "holder: its own release() succeeded" << std::endl;
  } catch (const mp::ValueError& error) {
    std::cout << "holder: its own release() raised ValueError: " << error.what() << std::endl;
  }
}

void run_case(const parity::CaseArgs&) {
  mp::Lock lock;
  mp::Event held, done;
  mp::Process holder(hold, lock, held, done);
  holder.start();
  held.wait(std::chrono::seconds(10));
  // Seed 002's acquire(blocking=False) is a TypeError in CPython (the keyword is block=); the
  // pattern as it runs is acquire(False), then release() regardless.
  std::cout << "acquire(False) while another process holds it: " << yes_no(lock.acquire(false)) << std::endl;
  try {
    lock.release();
    std::cout << "unconditional release(): succeeded" << std::endl;
  } catch (const mp::ValueError& error) {
    std::cout << "unconditional release(): ValueError: " << error.what() << std::endl;
  }
  std::cout << "acquire(False) after that: " << yes_no(lock.acquire(false)) << std::endl;
  lock.release();
  done.set();
  holder.join();
  std::cout << "holder exitcode " << *holder.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
