// Test helper: exit_with CODE [SLEEP_MS] [TEXT]: prints "out TEXT" on stdout and "err TEXT" on
// stderr, sleeps SLEEP_MS milliseconds, exits with CODE.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  int code = argc > 1 ? std::atoi(argv[1]) : 0;
  int sleep_ms = argc > 2 ? std::atoi(argv[2]) : 0;
  std::string text = argc > 3 ? argv[3] : "";
  std::printf("out %s\n", text.c_str());
  std::fprintf(stderr, "err %s\n", text.c_str());
  std::fflush(nullptr);
  if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  return code;
}
