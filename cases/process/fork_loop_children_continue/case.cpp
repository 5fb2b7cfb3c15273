// Seed 002's C loop: fork() in a loop whose child does not exit, so every child goes on with the
// loop and forks too. With 3 iterations: 2^3 = 8 processes, 7 conversion lines and 8 "Spawned"
// lines, in an order the scheduler decides.
#include <parity/case_main.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <iomanip>
#include <sstream>
#include <string>

namespace {
constexpr int kNumber = 3;

double celsius(double fahrenheit) { return (fahrenheit - 32) * 5.0 / 9.0; }

// One write(2) per line, as C's line-buffered printf: eight processes share the pipe. Nothing is
// buffered at a fork, so no child inherits unwritten output.
void say(const std::string& line) {
  const std::string out = line + "\n";
  [[maybe_unused]] ssize_t written = ::write(STDOUT_FILENO, out.data(), out.size());
}
}  // namespace

void run_case(const parity::CaseArgs&) {
  int children = 0;
  for (int i = 1; i <= kNumber; ++i) {
    const double fahrenheit = 100.0 + i * 10;
    if (::fork() == 0) {
      children = 0;  // a forked child waits only for the children it forks itself
      std::ostringstream line;
      line << std::fixed << std::setprecision(6) << fahrenheit << " F is " << celsius(fahrenheit) << " C";
      say(line.str());
      // No exit here: as in seed 002's C program, the child goes on with the loop.
    } else {
      ++children;
    }
  }
  say("Spawned " + std::to_string(kNumber) + " processes");
  for (; children > 0; --children) ::wait(nullptr);
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
