// A Barrier(3) with an action, shared by the parent and two children: the action runs once, in
// the last process to arrive, and each party gets a distinct index; then an Event releases them.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

void announce() { std::cout << "barrier action ran" << std::endl; }

void party(mp::Barrier barrier, mp::Event go, mp::Queue<int> indexes, mp::Queue<std::string> events) {
  using namespace std::chrono_literals;
  indexes.put(barrier.wait(10s));
  events.put(go.wait(10s) ? "yes" : "no");
}

void run_case(const parity::CaseArgs&) {
  using namespace std::chrono_literals;
  mp::Barrier barrier(3, announce);
  mp::Event go;
  mp::Queue<int> indexes;
  mp::Queue<std::string> events;
  std::vector<std::unique_ptr<mp::Process>> children;
  for (int i = 0; i < 2; ++i) children.push_back(std::make_unique<mp::Process>(party, barrier, go, indexes, events));
  for (auto& child : children) child->start();
  std::vector<int> seen = {barrier.wait(10s)};
  for (int i = 0; i < 2; ++i) seen.push_back(indexes.get(true, 10s));
  std::sort(seen.begin(), seen.end());
  std::cout << "indexes [" << seen[0] << ", " << seen[1] << ", " << seen[2] << "]" << std::endl;
  std::cout << "n_waiting " << barrier.n_waiting() << ", broken " << (barrier.broken() ? "yes" : "no")
            << std::endl;
  go.set();
  std::vector<std::string> saw = {events.get(true, 10s), events.get(true, 10s)};
  std::sort(saw.begin(), saw.end());
  std::cout << "children saw the event: " << saw[0] << " " << saw[1] << std::endl;
  for (auto& child : children) child->join();
  std::cout << "exitcodes [" << *children[0]->exitcode() << ", " << *children[1]->exitcode() << "]" << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
