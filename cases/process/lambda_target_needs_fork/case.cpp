// Seed 001 (picklability): a capturing lambda as a Process target (Python: any lambda). Under fork
// nothing is serialized and the child runs it; under spawn and forkserver start() throws
// PicklingError (a lambda cannot travel by identity), before any child is created.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

void run_case(const parity::CaseArgs&) {
  mp::Queue<std::string> queue;
  const std::string message = "lambda ran in the child";
  mp::Process child([message](mp::Queue<std::string> q) { q.put(message); }, queue);
  try {
    child.start();
    std::cout << queue.get() << std::endl;
    child.join();
    std::cout << "exitcode " << *child.exitcode() << std::endl;
  } catch (const mp::Error& e) {
    std::cout << "start() raised " << e.type_name() << ": " << e.what() << std::endl;
    std::cout << "child pid assigned: " << (child.pid() ? "yes" : "no") << std::endl;
  }
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
