// Process start + join of a child that does nothing, timed in batches after a warm-up, beside the
// raw floor: fork + _exit + waitpid (fork, forkserver), posix_spawn of this program + waitpid
// (spawn).
#include <mp/mp.hpp>
#include <parity/bench.hpp>
#include <parity/bench_floor.hpp>
#include <parity/case_main.hpp>

#include <cstdint>
#include <iostream>
#include <set>
#include <utility>

void noop() {}

namespace {

namespace bench = parity::bench;

bench::Batches batches_for(const parity::CaseArgs& args) {
  // As case.py: a spawn start re-runs CPython's interpreter (~0.1 s here): fewer, single starts; a
  // forkserver start imports the main module again in the child (~10 ms).
  if (args.start_method() == "spawn") return bench::batches_from(args, {.warmup = 1, .timed = 15, .size = 1});
  return bench::batches_from(args, {.warmup = 2, .timed = 20, .size = args.start_method() == "fork" ? 5 : 2});
}

void run_case(const parity::CaseArgs& args) {
  const bench::Batches batches = batches_for(args);
  std::set<int> exitcodes;
  auto start_join = [&](std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      mp::Process child(noop);
      child.start();
      child.join();
      exitcodes.insert(*child.exitcode());
    }
  };
  const bool spawn = args.start_method() == "spawn";
  std::cout << "process start+join: " << batches.timed << " batches of " << batches.size << std::endl;
  bench::run_batches(batches, {{"start_join", bench::Unit::us, start_join},
                               {"floor.start_join", bench::Unit::us, spawn ? bench::exec_exit_wait : bench::fork_exit_wait}});
  std::cout << "exitcodes seen: [";
  const char* separator = "";
  for (int code : exitcodes) std::cout << std::exchange(separator, ", ") << code;
  std::cout << "]" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  bench::exit_if_exec_floor(argc, argv);  // the spawn floor's child: exits at once
  return parity::case_main(argc, argv, run_case);
}
