// The fix for seed 000's Pipe example: the parent starts the sender, then closes its own copy of
// the sending end before starting the receiver (so a forked receiver does not inherit one either).
// Once the sender closes its copy, none is left: the receiver's recv() raises EOFError.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

void sender(mp::Connection conn) {
  for (int i = 0; i < 5; ++i) conn.send(std::string("Message ") + std::to_string(i));
  conn.close();
}

void receiver(mp::Connection conn) {
  while (true) {
    try {
      std::string message = conn.recv<std::string>();
      std::cout << "received " << message << std::endl;
    } catch (const mp::EOFError&) {
      std::cout << "receiver got EOFError" << std::endl;
      break;
    }
  }
}

void run_case(const parity::CaseArgs&) {
  auto [parent_conn, child_conn] = mp::Pipe();
  mp::Process p1(sender, child_conn);
  mp::Process p2(receiver, parent_conn);
  p1.start();
  child_conn.close();  // closes every copy of this handle in the parent, p1's stored argument too
  std::cout << "parent closed its copy of the sending end" << std::endl;
  p2.start();
  p1.join();
  p2.join();
  std::cout << "sender exitcode " << *p1.exitcode() << std::endl;
  std::cout << "receiver exitcode " << *p2.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
