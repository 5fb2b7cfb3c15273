// Launcher: exit statuses, signals, timeouts with stacks (native and Python trees), leaked
// processes (also after setsid), leaked /dev/shm entries, concurrency. After every test no process
// of any run remains (checked in /proc) and no private /dev/shm directory is left.

#include "launcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "parity_invocation.hpp"
#include "pid_namespace.hpp"
#include "process_tree.hpp"
#include "shm_sandbox.hpp"

// LaunchOptions are written as designated initializers; GCC 12 warns about every member left to
// its default member initializer, which is the point of an options struct.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace parity {
namespace {

std::string program(const char* name) {
  return std::string(PARITY_TEST_PROGRAMS_DIR) + "/" + name;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every process on the machine carrying the marker of a run of this test process.
std::vector<int> processes_of_our_runs() {
  std::string prefix = "PARITY_RUN_ID=" + std::to_string(::getpid()) + "_";
  std::vector<int> found;
  DIR* dir = ::opendir("/proc");
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::string environ_text = read_text(std::string("/proc/") + entry->d_name + "/environ");
    std::string_view rest(environ_text);
    while (!rest.empty()) {
      auto nul = rest.find('\0');
      if (rest.substr(0, prefix.size()) == prefix) found.push_back(std::atoi(entry->d_name));
      if (nul == std::string_view::npos) break;
      rest.remove_prefix(nul + 1);
    }
  }
  ::closedir(dir);
  return found;
}

std::vector<std::string> our_private_shm_dirs() {
  std::string prefix = ".parity-" + std::to_string(::getpid()) + "_";
  std::vector<std::string> found;
  DIR* dir = ::opendir("/dev/shm");
  while (dirent* entry = ::readdir(dir))
    if (std::string_view(entry->d_name).substr(0, prefix.size()) == prefix)
      found.emplace_back(entry->d_name);
  ::closedir(dir);
  return found;
}

// Runs carry PARITY_E2E_TOKEN=<token> (test_support::processes_with_token finds what is left of
// them): pids the programs print are their PID namespace's, which the test cannot look up.
std::map<std::string, std::string> token_env(const std::string& token) {
  return {{"PARITY_E2E_TOKEN", token}};
}

// Live processes whose command line holds `needle` (for processes without the run's environment).
std::vector<int> processes_with_argument(const std::string& needle) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::stoi(name);
    auto stat = proc::read_stat(pid);
    if (stat && !stat->zombie() && proc::command_line(pid).find(needle) != std::string::npos)
      found.push_back(pid);
  }
  return found;
}

// Pids printed by the helper programs as "<word> <pid>" lines.
std::vector<int> printed_pids(const std::string& output) {
  std::vector<int> pids;
  std::regex line_pattern(R"((?:parent|child|grandchild|pid) (\d+))");
  for (std::sregex_iterator it(output.begin(), output.end(), line_pattern), end; it != end; ++it)
    pids.push_back(std::stoi((*it)[1]));
  return pids;
}

// The stack block of one pid in RunRecord::stacks ("== pid N: ..." up to the next block).
std::string stack_block(const std::string& stacks, int pid) {
  std::string header = "== pid " + std::to_string(pid) + ":";
  auto start = stacks.find(header);
  if (start == std::string::npos) return {};
  auto next = stacks.find("\n== pid ", start + header.size());
  return stacks.substr(start, next == std::string::npos ? std::string::npos : next - start);
}

class LauncherTest : public ::testing::Test {
 protected:
  static Launcher& launcher() {
    static Launcher instance;
    return instance;
  }

  void TearDown() override {
    EXPECT_EQ(processes_of_our_runs(), std::vector<int>{}) << "a process of a run survived";
    for (int pid : proc::children_of(::getpid())) {
      auto stat = proc::read_stat(pid);
      ADD_FAILURE() << "child " << pid << " remains: state " << (stat ? stat->state : '?')
                    << " pgid " << (stat ? stat->pgid : 0) << ": " << proc::command_line(pid);
    }
    EXPECT_EQ(our_private_shm_dirs(), std::vector<std::string>{});
  }

  // A Python script in a temp directory removed at the end of the test.
  std::string write_script(const std::string& text) {
    if (script_dir_.empty()) {
      char pattern[] = "/tmp/parity-launcher-test-XXXXXX";
      script_dir_ = ::mkdtemp(pattern);
    }
    std::string path = script_dir_ + "/script.py";
    std::ofstream(path) << text;
    return path;
  }
  ~LauncherTest() override {
    if (!script_dir_.empty()) std::filesystem::remove_all(script_dir_);
  }

 private:
  std::string script_dir_;
};

TEST(ExitStatusTest, FromWaitStatusAndSpelling) {
  EXPECT_EQ(ExitStatus::from_wait_status(3 << 8), ExitStatus::exited(3));
  EXPECT_EQ(ExitStatus::from_wait_status(SIGSEGV), ExitStatus::killed(SIGSEGV));
  EXPECT_EQ(ExitStatus::exited(0).str(), "exit:0");
  EXPECT_EQ(ExitStatus::killed(SIGKILL).str(), "signal:SIGKILL");
  EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(signal_name(40), "SIG40");
  EXPECT_EQ(signal_number("SIGSEGV"), SIGSEGV);
  EXPECT_EQ(signal_number("TERM"), SIGTERM);
  EXPECT_EQ(signal_number("SIG40"), 40);
  EXPECT_EQ(signal_number("SIGNOPE"), std::nullopt);
  EXPECT_EQ(signal_number(""), std::nullopt);
}

TEST_F(LauncherTest, ExitCodesAndOutput) {
  for (int code : {0, 3, 255}) {
    RunRecord record = launcher().run({.argv = {program("exit_with"), std::to_string(code), "0",
                                                "hello"}});
    ASSERT_EQ(record.launch_error, "");
    ASSERT_TRUE(record.status);
    EXPECT_EQ(*record.status, ExitStatus::exited(code));
    EXPECT_EQ(record.stdout_text, "out hello\n");
    EXPECT_EQ(record.stderr_text, "err hello\n");
    EXPECT_FALSE(record.timed_out);
    EXPECT_FALSE(record.leaked());
    EXPECT_GT(record.wall_s, 0);
    EXPECT_GT(record.peak_rss_kb, 0);
    EXPECT_EQ(record.stacks, "");
  }
}

TEST_F(LauncherTest, DeathBySignal) {
  RunRecord record = launcher().run({.argv = {program("segfault")}});
  ASSERT_TRUE(record.status);
  EXPECT_EQ(record.status->str(), "signal:SIGSEGV");
  EXPECT_EQ(record.stdout_text, "about to crash\n");
  EXPECT_FALSE(record.timed_out);
}

TEST_F(LauncherTest, FailureToStartIsReportedNotThrown) {
  RunRecord missing = launcher().run({.argv = {"/nonexistent/parity-no-such-program"}});
  EXPECT_FALSE(missing.status);
  EXPECT_NE(missing.launch_error.find("parity-no-such-program"), std::string::npos);
  EXPECT_NE(missing.launch_error.find("No such file"), std::string::npos) << missing.launch_error;

  RunRecord not_on_path = launcher().run({.argv = {"parity-no-such-program-on-path"}});
  EXPECT_FALSE(not_on_path.status);
  EXPECT_NE(not_on_path.launch_error, "");

  std::string script = write_script("print('not executable')\n");  // mode 0644
  RunRecord not_executable = launcher().run({.argv = {script}});
  EXPECT_FALSE(not_executable.status);
  EXPECT_NE(not_executable.launch_error.find("Permission denied"), std::string::npos)
      << not_executable.launch_error;

  RunRecord no_cwd = launcher().run({.argv = {"pwd"}, .cwd = "/nonexistent-parity-dir"});
  EXPECT_FALSE(no_cwd.status);
  EXPECT_NE(no_cwd.launch_error.find("/nonexistent-parity-dir"), std::string::npos);

  RunRecord empty = launcher().run({});
  EXPECT_FALSE(empty.status);
  EXPECT_NE(empty.launch_error, "");
}

TEST_F(LauncherTest, WorkingDirectoryEnvironmentAndPythonPath) {
  RunRecord pwd = launcher().run({.argv = {"pwd"}, .cwd = "/tmp"});
  EXPECT_EQ(pwd.stdout_text, "/tmp\n");

  RunRecord python = launcher().run(
      {.argv = {PARITY_PYTHON, "-c",
                "import os, sys\n"
                "print(os.environ['PYTHONPATH'].split(':')[-1])\n"
                "print(os.environ['GREETING'])\n"
                "print(sys.modules['sitecustomize'].__file__.endswith('python/sitecustomize.py'))\n"
                "print(os.environ['PARITY_RUN_ID'].startswith(os.environ['HARNESS_PID'] + '_'))\n"
                "print(os.open('/dev/null', os.O_RDONLY))\n"},
       .env_overrides = {{"PYTHONPATH", "/nonexistent-parity-path"},
                         {"GREETING", "hi"},
                         {"HARNESS_PID", std::to_string(::getpid())}},
       .python = true});
  // The last line: arming faulthandler does not shift the case's own file descriptor numbers.
  EXPECT_EQ(python.stdout_text, "/nonexistent-parity-path\nhi\nTrue\nTrue\n3\n")
      << python.stderr_text;
  EXPECT_EQ(python.stderr_text, "");
}

// The module Python processes are armed with is harness/src/sitecustomize.py as built into the
// tool, with the signal number written in.
TEST_F(LauncherTest, ArmedPythonImportsTheEmbeddedSitecustomize) {
  RunRecord python = launcher().run(
      {.argv = {PARITY_PYTHON, "-c",
                "import sys\n"
                "module = sys.modules['sitecustomize']\n"
                "print(module._PARITY_SIGUSR2)\n"
                "sys.stdout.write(open(module.__file__).read())\n"},
       .python = true});
  ASSERT_EQ(python.status, ExitStatus::exited(0)) << python.stderr_text;
  std::string expected = read_text(std::string(PARITY_SOURCE_DIR) + "/harness/src/sitecustomize.py");
  const std::string placeholder = "@SIGUSR2@";
  ASSERT_NE(expected.find(placeholder), std::string::npos);
  expected.replace(expected.find(placeholder), placeholder.size(), std::to_string(SIGUSR2));
  EXPECT_EQ(python.stdout_text, std::to_string(SIGUSR2) + "\n" + expected);
}

TEST_F(LauncherTest, ChildGetsDefaultSignalStateAndItsOwnGroup) {
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  sigset_t term, old_mask;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &term, &old_mask);
  RunRecord record = launcher().run({.argv = {program("signal_state")}});
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &previous, nullptr);
  EXPECT_EQ(record.stdout_text, "SIGPIPE default\nSIGTERM unblocked\npgid-is-pid yes\n");
}

TEST_F(LauncherTest, LargeOutputIsCapturedWhole) {
  RunRecord record = launcher().run({.argv = {"sh", "-c", "head -c 3000000 /dev/zero"}});
  EXPECT_EQ(*record.status, ExitStatus::exited(0));
  EXPECT_EQ(record.stdout_text.size(), 3000000u);
}

TEST_F(LauncherTest, ConcurrentWritersInTheTreeLoseNoLine) {
  for (int run = 0; run < 20; ++run) {
    RunRecord record = launcher().run({.argv = {program("concurrent_writers"), "8", "25"}});
    ASSERT_EQ(*record.status, ExitStatus::exited(0));
    std::multiset<std::string> lines;
    std::istringstream in(record.stdout_text);
    for (std::string line; std::getline(in, line);) lines.insert(line);
    std::multiset<std::string> expected;
    for (int child = 0; child < 8; ++child) {
      for (int line = 0; line < 25; ++line) {
        expected.insert("child " + std::to_string(child) + " line " + std::to_string(line));
      }
    }
    ASSERT_EQ(lines, expected) << "run " << run;
  }
}

TEST_F(LauncherTest, TimeoutOfNativeTreeDumpsGdbStackOfEveryProcessThenKills) {
  const std::string token = test_support::unique_token();
  RunRecord record = launcher().run({.argv = {program("hang_tree"), "2"},
                                     .env_overrides = token_env(token),
                                     .timeout = std::chrono::milliseconds(5000)});
  EXPECT_TRUE(record.timed_out);
  ASSERT_TRUE(record.status);
  EXPECT_EQ(record.status->str(), "signal:SIGTERM");
  EXPECT_FALSE(record.leaked());
  auto pids = printed_pids(record.stdout_text);
  ASSERT_EQ(pids.size(), 3u) << record.stdout_text;
  for (int pid : pids) {
    std::string block = stack_block(record.stacks, pid);
    EXPECT_NE(block.find("hang_tree"), std::string::npos) << "no block for " << pid << ":\n"
                                                          << record.stacks;
    EXPECT_NE(block.find("parity_test_hang_forever"), std::string::npos) << block;
  }
  EXPECT_TRUE(test_support::processes_with_token(token).empty());
}

// Issue 16: with hang_when_quiet a blocked tree ends long before its timeout, as a hang, and its
// processes are gone; a program that wakes every 100 ms (no output, almost no CPU) is not cut.
TEST_F(LauncherTest, QuietTreeCountsAsHungBeforeItsTimeout) {
  const std::string token = test_support::unique_token();
  RunRecord blocked = launcher().run({.argv = {program("hang_tree"), "2"},
                                      .env_overrides = token_env(token),
                                      .timeout = std::chrono::milliseconds(20'000),
                                      .collect_stacks = false,
                                      .hang_when_quiet = std::chrono::milliseconds(300)});
  EXPECT_TRUE(blocked.timed_out);
  EXPECT_TRUE(blocked.hung_quiet);
  EXPECT_LT(blocked.wall_s, 10.0);
  EXPECT_GE(blocked.wall_s, 0.3);
  EXPECT_EQ(blocked.stacks, "");
  EXPECT_EQ(printed_pids(blocked.stdout_text).size(), 3u) << blocked.stdout_text;
  EXPECT_TRUE(test_support::processes_with_token(token).empty());

  RunRecord napping = launcher().run(
      {.argv = {PARITY_PYTHON, "-c", "import time\nfor _ in range(10): time.sleep(0.1)\nprint('done')\n"},
       .timeout = std::chrono::milliseconds(20'000),
       .hang_when_quiet = std::chrono::milliseconds(300)});
  EXPECT_FALSE(napping.timed_out);
  EXPECT_FALSE(napping.hung_quiet);
  EXPECT_EQ(napping.stdout_text, "done\n");
  EXPECT_EQ(napping.status, ExitStatus::exited(0));
}

TEST_F(LauncherTest, TermIgnoredEscalatesToKill) {
  RunRecord record = launcher().run({.argv = {program("hang_tree"), "1", "--ignore-term"},
                                     .timeout = std::chrono::milliseconds(1000),
                                     .collect_stacks = false,
                                     .kill_grace = std::chrono::milliseconds(100)});
  EXPECT_TRUE(record.timed_out);
  EXPECT_EQ(record.status->str(), "signal:SIGKILL");
  EXPECT_EQ(record.stacks, "");
}

// A hung Python tree of the given start method: the parent and a child each block in sleep().
void check_python_tree_stacks(Launcher& launcher, const std::string& script, const char* method) {
  const std::string token = test_support::unique_token();
  RunRecord record = launcher.run({.argv = {PARITY_PYTHON, script, method},
                                   .env_overrides = token_env(token),
                                   .timeout = std::chrono::milliseconds(5000),
                                   .python = true});
  EXPECT_TRUE(record.timed_out) << record.stderr_text;
  auto pids = printed_pids(record.stdout_text);
  ASSERT_EQ(pids.size(), 2u) << record.stdout_text << record.stderr_text;
  std::string parent = stack_block(record.stacks, pids[0]);
  std::string child = stack_block(record.stacks, pids[1]);
  EXPECT_NE(parent.find("most recent call first"), std::string::npos) << record.stacks;
  EXPECT_NE(parent.find("in <module>"), std::string::npos) << parent;
  EXPECT_NE(child.find("most recent call first"), std::string::npos) << record.stacks;
  EXPECT_NE(child.find("in hang_in_child"), std::string::npos) << child;
  EXPECT_TRUE(test_support::processes_with_token(token).empty());
}

constexpr const char* python_tree_script = R"PY(
import multiprocessing, os, sys, time

def hang_in_child():
    print("child", os.getpid(), flush=True)
    time.sleep(600)

if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    print("parent", os.getpid(), flush=True)
    multiprocessing.Process(target=hang_in_child).start()
    time.sleep(600)
)PY";

TEST_F(LauncherTest, TimeoutOfPythonForkTreeDumpsFaulthandlerStacks) {
  check_python_tree_stacks(launcher(), write_script(python_tree_script), "fork");
}

TEST_F(LauncherTest, TimeoutOfPythonSpawnTreeDumpsFaulthandlerStacks) {
  check_python_tree_stacks(launcher(), write_script(python_tree_script), "spawn");
}

TEST_F(LauncherTest, GrandchildOutlivingItsParentIsLeakedAndKilled) {
  for (const char* mode : {"", "--setsid"}) {
    std::vector<std::string> argv{program("leak_grandchild")};
    if (*mode) argv.push_back(mode);
    const std::string token = test_support::unique_token();
    RunRecord record = launcher().run(
        {.argv = argv, .env_overrides = token_env(token), .leak_grace = std::chrono::milliseconds(200)});
    EXPECT_EQ(*record.status, ExitStatus::exited(0)) << mode;
    auto pids = printed_pids(record.stdout_text);
    ASSERT_EQ(pids.size(), 1u) << record.stdout_text;
    ASSERT_EQ(record.leaked_processes.size(), 1u) << mode;
    EXPECT_EQ(record.leaked_processes[0].pid, pids[0]);
    // Adopted by the namespace's init, or else by the harness (the subreaper).
    EXPECT_EQ(record.leaked_processes[0].ppid, PidNamespaceRun::available() ? 1 : ::getpid());
    EXPECT_NE(record.leaked_processes[0].command.find("leak_grandchild"), std::string::npos);
    EXPECT_TRUE(test_support::processes_with_token(token).empty()) << mode;
  }
}

// Issue 13: a grandchild that double-forks, calls setsid() and execs with an empty environment
// keeps neither the run's process group nor its environment mark; it used to survive the run
// (PASS, 28 of 40 runs). In its own PID namespace a run cannot lose a process.
TEST_F(LauncherTest, EscapeeWithNewSessionAndNoEnvironmentIsLeakedAndKilled) {
  if (!PidNamespaceRun::available()) GTEST_SKIP() << "no PID namespaces here: the fallback cannot see it";
  for (int attempt = 0; attempt < 10; ++attempt) {
    const std::string seconds = "600." + std::to_string(::getpid()) + std::to_string(attempt);
    RunRecord record = launcher().run({.argv = {program("leak_grandchild"), "--escape", seconds},
                                       .leak_grace = std::chrono::milliseconds(100)});
    EXPECT_EQ(*record.status, ExitStatus::exited(0)) << record.stderr_text;
    ASSERT_EQ(record.leaked_processes.size(), 1u) << attempt;
    EXPECT_EQ(record.leaked_processes[0].pid, printed_pids(record.stdout_text).at(0));
    EXPECT_TRUE(processes_with_argument(seconds).empty()) << attempt;
  }
}

TEST_F(LauncherTest, ShmEntryLeftBehindIsReportedAndRemoved) {
  std::string name = "parity_test_shm_" + std::to_string(::getpid());
  RunRecord record = launcher().run({.argv = {program("shm_leak"), name}});
  EXPECT_EQ(*record.status, ExitStatus::exited(0)) << record.stderr_text;
  EXPECT_EQ(record.leaked_shm, std::vector<std::string>{name});
  EXPECT_TRUE(record.leaked());
  struct stat st {};
  EXPECT_NE(::stat(("/dev/shm/" + name).c_str(), &st), 0);

  RunRecord clean = launcher().run({.argv = {program("exit_with"), "0"}});
  EXPECT_EQ(clean.leaked_shm, std::vector<std::string>{});
}

TEST_F(LauncherTest, OverheadSanity) {
  // Speed is measured in harness/bench/launcher_bench.cpp; here only that many short runs stay
  // correct and clean.
  double total = 0;
  for (int i = 0; i < 20; ++i) {
    RunRecord record = launcher().run({.argv = {program("noop")}});
    ASSERT_EQ(*record.status, ExitStatus::exited(0));
    EXPECT_FALSE(record.leaked());
    EXPECT_GE(record.wall_s, 0);
    total += record.wall_s;
  }
  std::cout << "mean wall of noop under the launcher: " << total / 20 * 1e3 << " ms\n";
}

TEST_F(LauncherTest, ConcurrentRunsFromTwoThreadsDoNotMixUp) {
  // Thread A leaks a grandchild and a /dev/shm entry on every run; thread B's runs are clean and
  // must stay so while A's leftovers are around.
  constexpr int leaky_runs = 6;
  constexpr int clean_runs = 40;
  std::vector<RunRecord> leaky(leaky_runs), shm(leaky_runs), clean(clean_runs);
  std::thread a([&] {
    for (int i = 0; i < leaky_runs; ++i) {
      leaky[i] = launcher().run({.argv = {program("leak_grandchild"), i % 2 ? "--setsid" : "x"},
                                 .leak_grace = std::chrono::milliseconds(100)});
      shm[i] = launcher().run(
          {.argv = {program("shm_leak"), "parity_test_shm_" + std::to_string(::getpid()) + "_" +
                                             std::to_string(i)}});
    }
  });
  std::thread b([&] {
    for (int i = 0; i < clean_runs; ++i)
      clean[i] = launcher().run({.argv = {program("exit_with"), std::to_string(i % 7), "5",
                                          "b" + std::to_string(i)}});
  });
  a.join();
  b.join();
  // Without private /dev/shm directories (no CAP_SYS_ADMIN) shm attribution under concurrency is
  // documented as approximate (shm_sandbox.hpp): only the process side is checked then.
  const bool exact_shm = ShmSandbox::isolation_available();
  for (int i = 0; i < leaky_runs; ++i) {
    EXPECT_EQ(leaky[i].leaked_processes.size(), 1u) << i;
    if (exact_shm) {
      EXPECT_EQ(leaky[i].leaked_shm.size(), 0u) << i;
    }
    if (exact_shm) {
      EXPECT_EQ(shm[i].leaked_shm.size(), 1u) << i;
    }
    EXPECT_EQ(shm[i].leaked_processes.size(), 0u) << i;
  }
  for (int i = 0; i < clean_runs; ++i) {
    EXPECT_EQ(*clean[i].status, ExitStatus::exited(i % 7)) << i;
    EXPECT_EQ(clean[i].stdout_text, "out b" + std::to_string(i) + "\n");
    EXPECT_EQ(clean[i].leaked_processes.size(), 0u) << i;
    if (exact_shm) {
      EXPECT_EQ(clean[i].leaked_shm.size(), 0u) << i;
    }
  }
}

}  // namespace
}  // namespace parity
