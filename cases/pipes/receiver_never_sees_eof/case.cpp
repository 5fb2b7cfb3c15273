// Seed 000's Pipe example as written: the parent keeps both ends open while a sender child sends
// five messages and closes its copy, and a receiver child loops on recv() until EOFError. The
// parent's copy of the sending end (and under fork the receiver's own inherited copy) stays open,
// so the receiver never sees EOFError and the parent's join never returns.
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
  std::cout << "parent keeps both ends of the pipe open" << std::endl;
  p1.start();
  p2.start();
  p1.join();
  p2.join();  // never returns
  std::cout << "receiver joined" << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
