#pragma once
// Timed samples for benchmark cases (cases/perf/), the C++ twin of cases/support/bench.py.
//
// A benchmark case times its operation in batches after a warm-up and prints one line per timed
// batch (docs/case-format.md, "@sample lines"):
//
//   @sample NAME VALUE UNIT        UNIT: ns | us | ms | s (time per operation) or items/s | B/s
//
// Python prints the same NAME and UNIT; the C++ program also times the raw OS floor of the
// operation in the same process (bench_floor.hpp) and prints it as `@sample floor.NAME ...`. The
// floor's batches alternate with the operation's, so both see the same machine load.
//
//   void run_case(const parity::CaseArgs& args) {
//     const parity::bench::Batches batches = parity::bench::batches_from(args, {.timed = 20, .size = 1000});
//     parity::bench::PipeEcho floor;
//     parity::bench::run_batches(batches, {
//         {"pipe_round_trip", parity::bench::Unit::us, [&](std::int64_t n) { ... n round trips ... }},
//         {"floor.pipe_round_trip", parity::bench::Unit::us, [&](std::int64_t n) { floor.round_trips(n, 1); }}});
//   }
//
// Batch counts come from the case (its defaults) and may be overridden by `--param batches=K`,
// `--param batch_size=N` and `--param warmup=W`, as in bench.py.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "parity/case_args.hpp"

namespace parity::bench {

// How a batch's duration becomes its sample: time per operation, or operations per second.
enum class Unit { ns, us, ms, s, items_per_s, bytes_per_s };

// "ns", "us", "ms", "s", "items/s", "B/s".
std::string_view unit_name(Unit unit) noexcept;

// The sample of one batch that did `amount` operations (items, bytes) in `seconds`: for a time
// unit, seconds / amount in that unit; for a rate unit, amount / seconds.
double sample_value(Unit unit, double seconds, double amount) noexcept;

// "@sample NAME VALUE UNIT" (VALUE as %.6g), on std::cout, flushed.
void print_sample(std::string_view name, double value, Unit unit);

struct Batches {
  int warmup = 2;          // untimed batches of each series first
  int timed = 20;          // timed batches of each series: one @sample line each
  std::int64_t size = 1;   // operations per batch
};

// `defaults`, with --param warmup=W, batches=K, batch_size=N when given (CaseUsageError when not
// positive: warmup may be 0).
Batches batches_from(const CaseArgs& args, Batches defaults);

// One timed series: `batch(n)` does n operations; each batch's sample counts
// n * amount_per_operation (e.g. bytes per item for B/s).
struct Series {
  std::string name;
  Unit unit = Unit::us;
  std::function<void(std::int64_t operations)> batch;
  double amount_per_operation = 1;
};

// Runs every series `warmup` times untimed, then `timed` rounds in which each series runs one
// timed batch of `size` operations in turn (so an operation and its floor alternate) and prints
// its @sample line. Returns the samples, one vector per series in input order.
std::vector<std::vector<double>> run_batches(const Batches& batches, const std::vector<Series>& series);

// The median of samples (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> samples);

}  // namespace parity::bench
