// Stack folding for display: plumbing frames folded, the program's own kept, one line per process.
// The input is a real dump (stacks/queue_join_deadlock.txt: `parity show
// queues/join_before_get_deadlock --start-method spawn`, paths shortened): both process trees of a
// hung queue join, faulthandler's and gdb's.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "stack_folding.hpp"

namespace parity {
namespace {

std::string dump() {
  std::ifstream in(std::filesystem::path(PARITY_FIXTURES_DIR).parent_path() / "stacks" /
                   "queue_join_deadlock.txt");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(PlumbingFrame, StandardLibraryAndLibcButNotTheProgramOrMp) {
  EXPECT_TRUE(is_plumbing_frame("  File \"/opt/py/lib/python3.11/multiprocessing/process.py\", line 149 in join"));
  EXPECT_TRUE(is_plumbing_frame("  File \"<frozen importlib._bootstrap>\", line 1 in _find"));
  EXPECT_FALSE(is_plumbing_frame("  File \"/src/cases/queues/x/case.py\", line 29 in main"));
  EXPECT_FALSE(is_plumbing_frame("  File \"/usr/lib/python3/dist-packages/foo/bar.py\", line 2 in f"));
  EXPECT_TRUE(is_plumbing_frame("#0  0x00007f1e8ef1a230 in __GI___poll (fds=0x7ffe74e49b38, nfds=1, timeout=-1) at ../sysdeps/unix/sysv/linux/poll.c:29"));
  EXPECT_TRUE(is_plumbing_frame("#3  0x00007f40df2a65d8 in __pthread_cond_wait_common (abstime=0x0) at ./nptl/pthread_cond_wait.c:503"));
  EXPECT_TRUE(is_plumbing_frame("#10 0x00007f40df0d44a3 in ?? () from target:/lib/x86_64-linux-gnu/libstdc++.so.6"));
  EXPECT_TRUE(is_plumbing_frame("#5  std::__invoke<void (*)(int)> (__fn=<optimized out>) at /usr/include/c++/12/bits/invoke.h:96"));
  EXPECT_FALSE(is_plumbing_frame("#1  0x0000564d95188a97 in mp::detail::wait_readable (fd=11, timeout_s=...) at ../../runtime/src/popen_fork.cpp:37"));
  EXPECT_FALSE(is_plumbing_frame("#8  0x0000564d95153316 in main (argc=<optimized out>) at /src/cases/q/case.cpp:30"));
  EXPECT_FALSE(is_plumbing_frame("Thread 1 (Thread 0x7f1e8f891a40 (LWP 21432) \"case\"):"));
  EXPECT_FALSE(is_plumbing_frame("== pid 21432: /src/build/case --start-method spawn"));
}

TEST(FoldStacks, FoldsRunsOfPlumbingAndKeepsOwnFramesAndHeaders) {
  std::string stacks = dump();
  ASSERT_FALSE(stacks.empty());
  std::string folded = fold_stacks(stacks);
  EXPECT_LT(folded.size(), stacks.size() * 2 / 3) << folded;
  // Every process header, thread header and own frame is still there.
  for (const char* kept : {"== pid 20933:", "== pid 21433:", "Thread 2 (Thread 0x7f40def0a6c0",
                           "case.py\", line 29 in main", "mp::detail::Feeder::join",
                           "mp::detail::run_feeder", "case.cpp:24", "case_main.cpp:50"})
    EXPECT_NE(folded.find(kept), std::string::npos) << kept << "\n" << folded;
  // The python parent's three multiprocessing frames become one line; libc's futex frames too.
  EXPECT_NE(folded.find("Current thread 0x00007f703ddcab80 (most recent call first):\n"
                        "    ... 3 frames of the standard library and libc (--full-stacks shows them)\n"
                        "  File \"/src/cases/queues/join_before_get_deadlock/case.py\", line 29 in main\n"),
            std::string::npos)
      << folded;
  EXPECT_EQ(folded.find("__futex_abstimed_wait_common64"), std::string::npos) << folded;
  EXPECT_EQ(folded.find("threading.py"), std::string::npos) << folded;
  // A single plumbing frame stays as it is.
  EXPECT_NE(folded.find("__GI___poll"), std::string::npos) << folded;
  EXPECT_EQ(fold_stacks("== pid 1: x\n#0  main () at case.cpp:3\n"), "== pid 1: x\n#0  main () at case.cpp:3\n");
}

TEST(StackSummary, OneLinePerProcessWithWhereItWaits) {
  std::vector<std::string> lines = stack_summary(dump());
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0],
            "pid 20933 python3 case.py --start-method spawn: "
            "poll (popen_fork.py:27) <- main (case.py:29)");
  EXPECT_EQ(lines[3],
            "pid 21432 case --start-method spawn: __GI___poll (poll.c:29) <- mp::detail::wait_readable "
            "(popen_fork.cpp:37)");
  EXPECT_EQ(lines[4],
            "pid 21433 case --mp-spawn-child 11 4,5,6,7,8,9: __futex_abstimed_wait_common64 "
            "(futex-internal.c:57) <- mp::detail::Feeder::join (queue_feeder.cpp:148) [2 threads]");
}

}  // namespace
}  // namespace parity
