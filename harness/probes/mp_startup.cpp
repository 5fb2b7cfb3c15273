// The mp start-up floor: a program that initializes mp and exits, timed by the harness once per
// run (startup_floor.hpp) beside `python3 -c "import multiprocessing"`.

#include <mp/mp.hpp>

int main(int argc, char** argv) {
  mp::init(argc, argv);
  return 0;
}
