// mp::Manager calls beside their floor, in one binary:
//   BM_RawUnixSocketRoundTrip/<n>  n request/reply round trips of 48 bytes over one AF_UNIX stream
//                                  socket between two processes (the peer echoes): the least a call
//                                  to another process's object over a Unix socket can cost;
//   BM_Manager_DictSetGet/<m>      d.set(k, v) then d[k] on a manager dict<std::string, int>: two
//                                  calls (two round trips), server started with method m;
//   BM_Manager_QueuePutGet/<m>     q.put(x) then q.get() on a manager Queue<int>: two calls.
// Ratios: each two-call figure over BM_RawUnixSocketRoundTrip/2 (target <= 2). The cpu_us counter is
// the CPU time of the calling thread plus every thread of the peer (echo process or manager server)
// per iteration: the software cost, without the wait for the peer to be scheduled, which on a
// loaded machine dominates the wall time of a round trip. CPython's side is
// runtime/bench/manager_bench.py (the same two figures, per iteration, the median of interleaved
// rounds); the target there is mp <= 1/10 of CPython. Run both in the same minute, alternating:
//   for i in 1 2 3 4 5; do python3 runtime/bench/manager_bench.py; build/bin/mp_manager_bench; done
// and again under `taskset -c 0` (client and server on one CPU: the software cost, without the
// cross-CPU wake-up latency). Without arguments this binary runs 5 randomly interleaved
// repetitions and reports the medians.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_floor.hpp"
#include "mp/mp.hpp"

namespace {

constexpr std::size_t kMessageBytes = 48;  // about a dict set request: header, key, value

// CPU time of the calling thread, in seconds.
double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// CPU time of every thread of process `pid` (schedstat: nanoseconds on the CPU), in seconds.
double process_cpu_seconds(int pid) {
  double total = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream schedstat(task.path() / "schedstat");
    double nanoseconds = 0;
    if (schedstat >> nanoseconds) total += nanoseconds * 1e-9;
  }
  return total;
}

// Reports cpu_us: CPU microseconds per iteration spent by this thread and by the peer process
// together, i.e. the software cost of a round trip without the time spent waiting to be woken.
class CpuMeter {
 public:
  explicit CpuMeter(int peer) : peer_(peer), client_(thread_cpu_seconds()), server_(process_cpu_seconds(peer)) {}
  void report(benchmark::State& state) const {
    const double used = (thread_cpu_seconds() - client_) + (process_cpu_seconds(peer_) - server_);
    state.counters["cpu_us"] = benchmark::Counter(used * 1e6, benchmark::Counter::kAvgIterations);
  }

 private:
  int peer_;
  double client_, server_;
};

void BM_RawUnixSocketRoundTrip(benchmark::State& state) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    char message[kMessageBytes];
    for (;;) {
      ssize_t got = ::read(fds[1], message, sizeof message);
      if (got <= 0) ::_exit(0);
      std::size_t have = static_cast<std::size_t>(got);
      if (have < sizeof message) bench::read_full(fds[1], message + have, sizeof message - have);
      bench::write_full(fds[1], message, sizeof message);
    }
  }
  ::close(fds[1]);
  char message[kMessageBytes];
  std::memset(message, 'x', sizeof message);
  const auto trips = state.range(0);
  CpuMeter cpu(pid);
  for (auto _ : state) {
    for (int64_t i = 0; i < trips; ++i) {
      bench::write_full(fds[0], message, sizeof message);
      bench::read_full(fds[0], message, sizeof message);
    }
  }
  cpu.report(state);
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
}
BENCHMARK(BM_RawUnixSocketRoundTrip)->Arg(1)->Arg(2)->UseRealTime();

const char* method_of(const benchmark::State& state) {
  static const char* methods[] = {"fork", "spawn", "forkserver"};
  return methods[state.range(0)];
}

void BM_Manager_DictSetGet(benchmark::State& state) {
  mp::Manager manager(mp::ManagerOptions{.start_method = method_of(state)});
  auto d = manager.dict<std::string, int>();
  const std::string key = "key";
  int value = 0;
  d.set(key, value);  // this thread's connection is open
  CpuMeter cpu(*manager.process().pid());
  for (auto _ : state) {
    d.set(key, ++value);
    if (d[key] != value) std::abort();
  }
  cpu.report(state);
  state.SetLabel(method_of(state));
}
BENCHMARK(BM_Manager_DictSetGet)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

void BM_Manager_QueuePutGet(benchmark::State& state) {
  mp::Manager manager(mp::ManagerOptions{.start_method = method_of(state)});
  auto q = manager.Queue<int>();
  q.put(0);
  q.get();
  int value = 0;
  CpuMeter cpu(*manager.process().pid());
  for (auto _ : state) {
    q.put(++value);
    if (q.get() != value) std::abort();
  }
  cpu.report(state);
  state.SetLabel(method_of(state));
}
BENCHMARK(BM_Manager_QueuePutGet)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  bench::InterleavedByDefault args(argc, argv);
  const char* floor = "BM_RawUnixSocketRoundTrip/2";
  return bench::run(args.argc(), args.argv(),
                    {{"BM_Manager_DictSetGet/0", floor, false, 2.0, "<= 2 (fork)"},
                     {"BM_Manager_DictSetGet/1", floor, false, 2.0, "<= 2 (spawn)"},
                     {"BM_Manager_DictSetGet/2", floor, false, 2.0, "<= 2 (forkserver)"},
                     {"BM_Manager_QueuePutGet/0", floor, false, 2.0, "<= 2 (fork)"},
                     {"BM_Manager_QueuePutGet/1", floor, false, 2.0, "<= 2 (spawn)"},
                     {"BM_Manager_QueuePutGet/2", floor, false, 2.0, "<= 2 (forkserver)"}});
}
