// A Lock held by a process that is terminated stays held: nobody can acquire it afterwards.
#include <mp/mp.hpp>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <string_view>

namespace {

std::string start_method_from(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--start-method") return argv[i + 1];
  }
  return "fork";
}

}  // namespace

void hold(mp::Lock lock, mp::Event held) {
  lock.acquire();
  held.set();
  sleep(60);
}

void try_acquire(mp::Lock lock, mp::Queue<std::string> results) {
  results.put(lock.acquire(true, std::chrono::milliseconds(200)) ? "yes" : "no");
}

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  mp::init(argc, argv);
  mp::set_start_method(start_method_from(argc, argv));
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
