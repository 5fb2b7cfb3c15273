// The benchmark support of cases/support: parity/bench.hpp (samples, batches, the @sample line)
// against its Python twin bench.py, and parity/bench_floor.hpp (each raw floor does its operation
// for real, fails loudly when its partner is gone, and leaves nothing behind).

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "parity/bench.hpp"
#include "parity/bench_floor.hpp"
#include "parity/case_args.hpp"

namespace parity::bench {
namespace {

namespace fs = std::filesystem;

// Every child of this process (any thread's), from /proc.
std::vector<pid_t> children() {
  std::vector<pid_t> pids;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "children");
    pid_t pid = 0;
    while (in >> pid) pids.push_back(pid);
  }
  return pids;
}

// True when this process has no child, not even a zombie.
bool no_children() {
  errno = 0;
  return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

CaseArgs args_of(std::vector<const char*> params) {
  params.insert(params.begin(), "case");
  return CaseArgs::parse(static_cast<int>(params.size()), params.data());
}

// stdout of a shell command (the Python side).
std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  ::pclose(pipe);
  return out;
}

std::string python(const std::string& code) {
  return output_of(std::string(PARITY_PYTHON) + " -c 'import sys; sys.path.insert(0, \"" PARITY_SUPPORT_DIR
                   "\"); import bench, case_args\n" + code + "' 2>&1");
}

// ---- samples and batches ------------------------------------------------------------------------

TEST(BenchSamples, ValuesAreTimePerOperationOrRate) {
  EXPECT_DOUBLE_EQ(sample_value(Unit::ns, 0.5, 1000), 500000);
  EXPECT_DOUBLE_EQ(sample_value(Unit::us, 0.5, 1000), 500);
  EXPECT_DOUBLE_EQ(sample_value(Unit::ms, 0.5, 1000), 0.5);
  EXPECT_DOUBLE_EQ(sample_value(Unit::s, 0.5, 1000), 0.0005);
  EXPECT_DOUBLE_EQ(sample_value(Unit::items_per_s, 0.5, 1000), 2000);
  EXPECT_DOUBLE_EQ(sample_value(Unit::bytes_per_s, 0.25, 1 << 20), 4 << 20);
}

TEST(BenchSamples, PythonComputesTheSameValuesAndLines) {
  EXPECT_EQ(python("for u in (\"ns\", \"us\", \"ms\", \"s\", \"items/s\", \"B/s\"):\n"
                   "  bench.print_sample(\"x.y\", bench.sample_value(u, 0.5, 3000), u)"),
            "@sample x.y 166667 ns\n@sample x.y 166.667 us\n@sample x.y 0.166667 ms\n"
            "@sample x.y 0.000166667 s\n@sample x.y 6000 items/s\n@sample x.y 6000 B/s\n");
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  for (Unit unit : {Unit::ns, Unit::us, Unit::ms, Unit::s, Unit::items_per_s, Unit::bytes_per_s}) {
    print_sample("x.y", sample_value(unit, 0.5, 3000), unit);
  }
  std::cout.rdbuf(saved);
  EXPECT_EQ(captured.str(),
            "@sample x.y 166667 ns\n@sample x.y 166.667 us\n@sample x.y 0.166667 ms\n"
            "@sample x.y 0.000166667 s\n@sample x.y 6000 items/s\n@sample x.y 6000 B/s\n");
}

TEST(BenchSamples, PythonRejectsAnUnknownUnit) {
  EXPECT_NE(python("bench.Series(\"x\", \"msec\", print)").find("ValueError: unit 'msec' is not one of"),
            std::string::npos);
}

TEST(BenchBatches, ParamsOverrideTheCaseDefaults) {
  const Batches defaults{.warmup = 3, .timed = 20, .size = 1000};
  Batches chosen = batches_from(args_of({}), defaults);
  EXPECT_EQ(chosen.warmup, 3);
  EXPECT_EQ(chosen.timed, 20);
  EXPECT_EQ(chosen.size, 1000);
  chosen = batches_from(args_of({"--param", "batches=5", "--param", "batch_size=7", "--param", "warmup=0"}), defaults);
  EXPECT_EQ(chosen.warmup, 0);
  EXPECT_EQ(chosen.timed, 5);
  EXPECT_EQ(chosen.size, 7);
  EXPECT_THROW(batches_from(args_of({"--param", "batches=0"}), defaults), CaseUsageError);
  EXPECT_THROW(batches_from(args_of({"--param", "batch_size=-1"}), defaults), CaseUsageError);
  EXPECT_THROW(batches_from(args_of({"--param", "warmup=-1"}), defaults), CaseUsageError);
  EXPECT_THROW(batches_from(args_of({"--param", "batches=x"}), defaults), CaseUsageError);
}

TEST(BenchBatches, PythonParamsAndErrorsMatch) {
  EXPECT_EQ(python("a = case_args.parse_args([\"case.py\", \"--param\", \"batches=5\", \"--param\", \"batch_size=7\"])\n"
                   "print(tuple(bench.batches_from(a, timed=20, size=1000, warmup=3)))"),
            "(3, 5, 7)\n");
  EXPECT_NE(python("bench.batches_from(case_args.parse_args([\"case.py\", \"--param\", \"batches=0\"]), 20, 1000)")
                .find("case.py: error: argument --param: batches=0: must be >= 1"),
            std::string::npos);
  try {
    batches_from(args_of({"--param", "batches=0"}), {});
    ADD_FAILURE() << "batches=0 accepted";
  } catch (const CaseUsageError& error) {
    EXPECT_STREQ(error.what(), "argument --param: batches=0: must be >= 1");
  }
}

TEST(BenchBatches, WarmsUpThenAlternatesTheSeriesAndPrintsOneLinePerTimedBatch) {
  std::vector<std::string> calls;
  auto recorder = [&calls](const char* name) {
    return [&calls, name](std::int64_t n) { calls.push_back(std::string(name) + ":" + std::to_string(n)); };
  };
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  auto samples = run_batches({.warmup = 1, .timed = 2, .size = 4},
                             {{"op", Unit::us, recorder("op")},
                              {"floor.op", Unit::bytes_per_s, recorder("floor"), 1024}});
  std::cout.rdbuf(saved);
  EXPECT_EQ(calls, (std::vector<std::string>{"op:4", "floor:4", "op:4", "floor:4", "op:4", "floor:4"}));
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].size(), 2u);
  EXPECT_EQ(samples[1].size(), 2u);
  std::istringstream lines(captured.str());
  std::vector<std::string> names;
  std::string at, name, unit;
  double value = 0;
  while (lines >> at >> name >> value >> unit) {
    EXPECT_EQ(at, "@sample");
    EXPECT_EQ(unit, name == "op" ? "us" : "B/s");
    EXPECT_GT(value, 0);
    names.push_back(name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"op", "floor.op", "op", "floor.op"}));
}

TEST(BenchBatches, Median) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

// ---- floors -------------------------------------------------------------------------------------

TEST(BenchFloor, ForkExitWaitReapsEveryChild) {
  fork_exit_wait(5);
  EXPECT_TRUE(no_children());
}

TEST(BenchFloor, ExecExitWaitRunsThisProgramThroughItsFloorExit) {
  exec_exit_wait(3);  // throws unless each child took exit_if_exec_floor's exit 0 (main() below)
  EXPECT_TRUE(no_children());
}

TEST(BenchFloor, PipeEchoReturnsEveryMessageAndReapsItsPartner) {
  {
    PipeEcho echo(256 * 1024);
    echo.round_trips(100, 1);
    echo.round_trips(3, 256 * 1024);  // beyond a pipe's capacity: the partner reads it all first
    EXPECT_EQ(children().size(), 1u);
    EXPECT_THROW(echo.round_trips(1, 0), std::invalid_argument);
    EXPECT_THROW(echo.round_trips(1, 256 * 1024 + 1), std::invalid_argument);
  }
  EXPECT_TRUE(no_children());
}

TEST(BenchFloor, ChunkedRoundTripsShipEveryChunk) {
  EXPECT_EQ(default_map_chunksize(20000, 2), 2500);
  EXPECT_EQ(default_map_chunksize(10, 2), 2);  // CPython: divmod(10, 8) = (1, 2) -> 2
  EXPECT_EQ(default_map_chunksize(8, 2), 1);
  EXPECT_EQ(default_map_chunksize(0, 2), 1);
  PipeEcho echo(2500 * 1024);
  echo.chunked_round_trips(20001, 2500, 1024);  // 8 full chunks and one of a single item
  EXPECT_THROW(echo.chunked_round_trips(5000, 2501, 1024), std::invalid_argument);
}

TEST(BenchFloor, APartnerThatIsGoneIsAnError) {
  PipeEcho echo;
  echo.round_trips(1, 8);
  const std::vector<pid_t> partners = children();
  ASSERT_EQ(partners.size(), 1u);
  ::kill(partners[0], SIGKILL);
  EXPECT_THROW(echo.round_trips(10, 8), std::system_error);
}

TEST(BenchFloor, AStreamWhosePartnerIsGoneIsAnError) {
  PipeStream stream(8);
  stream.transfer(1);
  const std::vector<pid_t> partners = children();
  ASSERT_EQ(partners.size(), 1u);
  ::kill(partners[0], SIGKILL);
  EXPECT_THROW(stream.transfer(10), std::system_error);
}

TEST(BenchFloor, PartnersKeepNoOtherDescriptorOpen) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // inheritable, as an mp pipe a forked child must not hold
  PipeEcho echo;
  PipeStream stream(8);
  RawWorkers workers(2, [](std::int64_t x) { return x; });
  ::close(fds[1]);
  pollfd readable{fds[0], POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 5000), 1) << "a partner still holds the write end";
  char byte;
  EXPECT_EQ(::read(fds[0], &byte, 1), 0);
  ::close(fds[0]);
}

TEST(BenchFloor, APartnerDiesWithItsParent) {
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    ::close(report[0]);
    // Never destroyed: the parent dies without stopping it, and a futex partner has no pipe whose
    // end of stream would tell it.
    auto* ping_pong = new FutexPingPong();
    ping_pong->round_trips(1);
    const pid_t partner = children().at(0);
    if (::write(report[1], &partner, sizeof partner) != sizeof partner) ::_exit(2);
    ::_exit(0);
  }
  ::close(report[1]);
  pid_t partner = 0;
  ASSERT_EQ(::read(report[0], &partner, sizeof partner), static_cast<ssize_t>(sizeof partner));
  ::close(report[0]);
  ::waitpid(parent, nullptr, 0);
  // Reparented and reaped by init (or a subreaper) once killed: its /proc entry goes away or it
  // shows as a zombie.
  bool gone = false;
  for (int tries = 0; tries < 500 && !gone; ++tries) {
    std::ifstream stat("/proc/" + std::to_string(partner) + "/stat");
    std::string pid, name, state;
    gone = !(stat >> pid >> name >> state) || state == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "partner " << partner << " outlived its parent";
}

TEST(BenchFloor, PipeStreamDeliversEveryItem) {
  {
    PipeStream small(8);
    small.transfer(10000);
    small.transfer(1);
    PipeStream large(1 << 20);
    large.transfer(4);
  }
  EXPECT_TRUE(no_children());
}

TEST(BenchFloor, FutexPingPongBouncesWithItsPartner) {
  {
    FutexPingPong ping_pong;
    ping_pong.round_trips(1000);
    EXPECT_EQ(children().size(), 1u);
  }
  EXPECT_TRUE(no_children());
}

TEST(BenchFloor, SharedWordLockCountsEveryIncrement) {
  SharedWordLock lock;
  lock.acquire_release(1000);
  lock.increment(1234);
  lock.increment(1);
  EXPECT_EQ(lock.counter(), 1235);
}

std::int64_t square_or_pid(std::int64_t x) { return x < 0 ? ::getpid() : x * x; }

TEST(BenchFloor, RawWorkersRunEachTaskInItsWorker) {
  {
    RawWorkers workers(2, square_or_pid);
    EXPECT_EQ(workers.map({1, 2, 3, 4, 5}), (std::vector<std::int64_t>{1, 4, 9, 16, 25}));
    const std::vector<std::int64_t> pids = workers.map({-1, -1, -1, -1});
    EXPECT_EQ(pids[0], pids[2]);
    EXPECT_EQ(pids[1], pids[3]);
    EXPECT_NE(pids[0], pids[1]);
    EXPECT_EQ(std::set<std::int64_t>(pids.begin(), pids.end()).count(::getpid()), 0u);
    EXPECT_THROW(RawWorkers(0, square_or_pid), std::invalid_argument);
  }
  EXPECT_TRUE(no_children());
}

}  // namespace
}  // namespace parity::bench

int main(int argc, char** argv) {
  parity::bench::exit_if_exec_floor(argc, argv);  // what exec_exit_wait's children run
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
