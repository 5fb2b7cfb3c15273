// get_nowait() right after 10 puts in the same process: how many items are already visible is a
// race (put() returns before the feeder has written the item); a blocking get() then receives the
// rest, every item exactly once, in put order, and nothing is left.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

namespace {

constexpr int item_count = 10;

}  // namespace

void run_case(const parity::CaseArgs&) {
  mp::Queue<int> q;
  for (int item = 0; item < item_count; ++item) q.put(item);
  std::vector<int> received;
  try {
    while (true) received.push_back(q.get_nowait());
  } catch (const mp::Empty&) {
  }
  const std::size_t visible = received.size();
  while (received.size() < item_count) received.push_back(q.get(true, std::chrono::seconds(10)));
  std::string left = "no";
  try {
    int extra = q.get(true, std::chrono::milliseconds(50));
    left = "yes (" + std::to_string(extra) + ")";
  } catch (const mp::Empty&) {
  }
  std::vector<int> expected(item_count);
  std::iota(expected.begin(), expected.end(), 0);
  std::cout << "put " << item_count << " items, then get_nowait until Empty, then a blocking get for the rest"
            << std::endl;
  std::cout << "received every item exactly once, in put order: " << (received == expected ? "yes" : "no")
            << std::endl;
  std::cout << "anything left afterwards: " << left << std::endl;
  std::cout << "@metric visible_after_put " << visible << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
