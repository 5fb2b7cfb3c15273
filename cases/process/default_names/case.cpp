// Seed 004: process names. The main process is "MainProcess"; a Process gets "Process-N" from a
// counter unless given a name; a child started by Process-1 is "Process-1:1"; each child's
// current_process().name() is its object's name and its parent_process()->name() its parent's.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

void report(mp::Queue<std::string> queue) {
  queue.put("child " + mp::current_process().name() + " sees parent " + mp::parent_process()->name());
}

void report_and_spawn(mp::Queue<std::string> queue) {
  report(queue);
  mp::Process grandchild(report, queue);
  queue.put(mp::current_process().name() + " creates " + grandchild.name());
  grandchild.start();
  grandchild.join();
}

void run_case(const parity::CaseArgs&) {
  std::cout << "main process is " << mp::current_process().name() << std::endl;
  mp::Queue<std::string> queue;
  mp::Process first(report_and_spawn, queue);
  mp::Process second(report, queue);
  mp::Process named(mp::ProcessOptions{.name = "logger"}, report, queue);
  std::cout << "objects named " << first.name() << ", " << second.name() << ", " << named.name()
            << std::endl;
  for (mp::Process* child : {&first, &second, &named}) {
    child->start();
    // first's lines come from two processes (two feeder threads): sorted, not in arrival order
    std::vector<std::string> lines;
    for (int i = 0; i < (child == &first ? 3 : 1); ++i) lines.push_back(queue.get());
    std::sort(lines.begin(), lines.end());
    for (const std::string& line : lines) std::cout << line << std::endl;
    child->join();
  }
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
