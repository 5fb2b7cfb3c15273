// Seed 000's trouble-shooting: an mp::Queue passed to Pool::starmap raises the inheritance
// RuntimeError; a manager's QueueProxy passed the same way serializes as the server's address and
// the object's id, so every worker's put reaches the server and each number arrives exactly once.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <iostream>
#include <tuple>
#include <vector>

void process_plain_queue(mp::Queue<int> q, int num) { q.put(num); }
void process_queue(mp::QueueProxy<int> q, int num) { q.put(num); }

void run_case(const parity::CaseArgs&) {
  std::vector<int> numbers = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  mp::Pool pool(2);
  mp::Queue<int> plain;
  try {
    std::vector<std::tuple<mp::Queue<int>, int>> tasks;
    for (int num : numbers) tasks.emplace_back(plain, num);
    pool.starmap(process_plain_queue, tasks);
    std::cout << "mp.Queue: starmap returned" << std::endl;
  } catch (const mp::Error& e) {
    std::cout << "mp.Queue: starmap raised " << e.type_name() << ": " << e.what() << std::endl;
  }
  mp::Manager manager;
  mp::QueueProxy<int> q = manager.Queue<int>();
  std::vector<std::tuple<mp::QueueProxy<int>, int>> tasks;
  for (int num : numbers) tasks.emplace_back(q, num);
  pool.starmap(process_queue, tasks);
  std::cout << "Manager().Queue(): starmap returned" << std::endl;
  std::vector<int> got;
  for (std::size_t i = 0; i < numbers.size(); ++i) got.push_back(q.get(true, std::chrono::seconds(10)));
  std::sort(got.begin(), got.end());
  std::cout << "got";
  for (int n : got) std::cout << ' ' << n;
  std::cout << std::endl;
  std::cout << "every number exactly once: " << (got == numbers ? "yes" : "no") << std::endl;
  std::cout << "queue empty afterwards: " << (q.empty() ? "yes" : "no") << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
