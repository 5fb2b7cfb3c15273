// Stacks of a big hung tree: a bounded number of gdbs at a time, and a cap on how many processes
// get a stack (issue 13: a 35-process tree started 35 gdbs at once, 2.5 GB).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "process_tree.hpp"
#include "stack_dump.hpp"

namespace parity {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(StackDump, BigTreeGetsBoundedGdbsAndACapOnStacks) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t root = ::fork();
  ASSERT_GE(root, 0);
  if (root == 0) {
    ::setpgid(0, 0);
    ::dup2(ready[1], 1);
    ::execl(PARITY_TEST_PROGRAMS_DIR "/hang_tree", "hang_tree", "11", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(ready[1]);
  std::string output;
  char buffer[256];
  while (output.find("parent") == std::string::npos) {  // the whole tree is up
    ssize_t got = ::read(ready[0], buffer, sizeof buffer);
    ASSERT_GT(got, 0) << output;
    output.append(buffer, static_cast<std::size_t>(got));
  }
  std::vector<int> pids{root};
  for (int pid : proc::descendants_of(root)) pids.push_back(pid);
  ASSERT_EQ(pids.size(), 12u);

  // Watch how many gdbs run at once (they are this process's children).
  std::atomic<bool> done{false};
  std::atomic<std::size_t> most_gdbs{0};
  std::thread watcher([&] {
    while (!done) {
      std::size_t gdbs = 0;
      for (int child : proc::children_of(::getpid()))
        if (proc::command_line(child).rfind("gdb ", 0) == 0) ++gdbs;
      if (gdbs > most_gdbs) most_gdbs = gdbs;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  StackDumpOptions options;
  options.max_concurrent_gdbs = 3;
  options.max_processes = 7;
  std::string stacks = dump_stacks(pids, options);
  done = true;
  watcher.join();
  ::kill(-root, SIGKILL);
  for (int pid : pids) ::waitpid(pid, nullptr, 0);
  ::close(ready[0]);

  EXPECT_GE(most_gdbs.load(), 1u);
  EXPECT_LE(most_gdbs.load(), 3u);
  EXPECT_EQ(count(stacks, "== pid "), 12u) << stacks;  // every process listed
  EXPECT_EQ(count(stacks, "parity_test_hang_forever"), 7u) << stacks;
  EXPECT_EQ(count(stacks, "(no stack: only the first 7 processes of the tree get one)"), 5u) << stacks;
}

}  // namespace
}  // namespace parity
