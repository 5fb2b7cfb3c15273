#include <mp/dummy.hpp>
#include <mp/mp.hpp>
#include <parity/case_main.hpp>
#include <sys/syscall.h>
#include <unistd.h>

#include <iostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

int thread_id() { return static_cast<int>(::syscall(SYS_gettid)); }

std::tuple<int, int, int> work(int x) { return {x * x, static_cast<int>(::getpid()), thread_id()}; }

int fail() { throw mp::ValueError("raised in a worker thread"); }

const char* yes(bool flag) { return flag ? "yes" : "no"; }

std::string optional_repr(const std::optional<int>& value) { return value ? std::to_string(*value) : "None"; }

void run_case(const parity::CaseArgs&) {
  {
    mp::dummy::Pool pool(4);
    std::vector<int> items;
    for (int i = 0; i < 10; ++i) items.push_back(i);
    const auto results = pool.map(work, items);
    std::string squares;
    bool here = true;
    std::set<int> threads;
    for (const auto& [square, pid, thread] : results) {
      squares += (squares.empty() ? "" : ", ") + std::to_string(square);
      here = here && pid == static_cast<int>(::getpid());
      threads.insert(thread);
    }
    std::cout << "squares [" << squares << "]" << std::endl;
    std::cout << "every task ran in this process: " << yes(here) << std::endl;
    std::cout << "worker threads used, between 1 and 4: " << yes(threads.size() >= 1 && threads.size() <= 4) << std::endl;
    std::cout << "the main thread ran no task: " << yes(threads.count(thread_id()) == 0) << std::endl;
    std::cout << "apply_async " << std::get<0>(pool.apply_async(work, 7).get()) << std::endl;
    try {
      pool.apply(fail);
    } catch (const mp::ValueError& e) {
      std::cout << e.str() << std::endl;
    }
  }
  std::vector<std::string> shared;
  mp::dummy::Process t([&shared](std::string text) { shared.push_back(text); }, std::string("appended by the thread"));
  std::cout << "exitcode before start " << optional_repr(t.exitcode()) << std::endl;
  t.start();
  t.join();
  std::cout << "exitcode after join " << optional_repr(t.exitcode()) << std::endl;
  std::cout << "alive after join: " << yes(t.is_alive()) << std::endl;
  std::cout << "the parent's list now holds: " << shared.at(0) << std::endl;
  try {
    t.start();
  } catch (const mp::RuntimeError& e) {
    std::cout << e.str() << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
