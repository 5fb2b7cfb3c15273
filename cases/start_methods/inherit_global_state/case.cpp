// A child reads a global and a class's static member that main set before starting it (f), and
// gets them as arguments (g). fork: both as main set them; spawn and forkserver: the child is a
// fresh exec, so statics start from their initial values, and only what travels by value (x)
// arrives as set. A travels as a value of an empty type: its static member is the child's own.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <string>

int x = 0;

struct A {
  static int y;
  template <class Archive>
  void serialize(Archive&) {}  // no state of its own: the class travels by name, as in pickle
};
int A::y = 0;

void f() { std::cout << "f (reads the globals) sees x = " << x << ", A.y = " << A::y << std::endl; }

void g(int x, A a) {
  std::cout << "g (x and A passed as arguments) sees x = " << x << ", A.y = " << a.y << std::endl;
}

void run_case(const parity::CaseArgs&) {
  x = 1;
  A::y = 1;
  std::cout << "main sets x = " << x << ", A.y = " << A::y << std::endl;
  mp::Process p(f);
  p.start();
  p.join();
  mp::Process q(g, x, A{});
  q.start();
  q.join();
  std::cout << "exitcodes " << *p.exitcode() << " " << *q.exitcode() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
