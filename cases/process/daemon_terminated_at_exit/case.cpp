// Seed 004: when the main program ends, its daemon children are terminated, while its non-daemon
// children are joined. main returns without joining either: the daemon (sleeping 10 s) is
// terminated at once; the non-daemon child, released by a message sent just before main returns,
// prints its line during the exit-time join, and the program exits 0 well before 10 s.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

void sleep_long() {
  std::this_thread::sleep_for(std::chrono::seconds(10));
  std::cout << "daemon woke up" << std::endl;
}

void wait_then_report(mp::Connection reader) {
  if (reader.poll(std::chrono::seconds(10)) && reader.recv<std::string>() == "go")
    std::cout << "non-daemon child ran to completion after main returned" << std::endl;
}

void run_case(const parity::CaseArgs&) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process daemon(mp::ProcessOptions{.daemon = true}, sleep_long);
  mp::Process worker(wait_then_report, reader);
  daemon.start();
  worker.start();
  std::cout << "main returns without joining its children" << std::endl;
  writer.send(std::string("go"));
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
