"""Timed samples for benchmark cases (cases/perf/), the Python twin of parity/bench.hpp.

A benchmark case times its operation in batches after a warm-up and prints one line per timed
batch (docs/case-format.md, "@sample lines"):

    @sample NAME VALUE UNIT        UNIT: ns | us | ms | s (time per operation) or items/s | B/s

The C++ program prints the same NAME and UNIT, and beside them the raw OS floor of the operation
as `@sample floor.NAME ...`; Python has no floor of its own.

    batches = bench.batches_from(args, timed=20, size=1000)
    bench.run_batches(batches, [bench.Series("pipe_round_trip", "us", round_trips)])

Batch counts come from the case (its defaults) and may be overridden by `--param batches=K`,
`--param batch_size=N` and `--param warmup=W`, as in bench.hpp. Time is time.perf_counter()
(CLOCK_MONOTONIC on Linux, the clock of C++'s std::chrono::steady_clock).
"""
import time
from collections import namedtuple

import case_args  # beside this file: a case puts cases/support on sys.path before importing either

UNITS = ("ns", "us", "ms", "s", "items/s", "B/s")
_TIME_SCALE = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}

# warmup: untimed batches of each series first; timed: timed batches, one @sample line each;
# size: operations per batch.
Batches = namedtuple("Batches", "warmup timed size")


class Series:
    """One timed series: batch(n) does n operations; each batch's sample counts
    n * amount_per_operation (e.g. bytes per item for B/s)."""

    def __init__(self, name, unit, batch, amount_per_operation=1):
        if unit not in UNITS:
            raise ValueError(f"unit {unit!r} is not one of {', '.join(UNITS)}")
        self.name = name
        self.unit = unit
        self.batch = batch
        self.amount_per_operation = amount_per_operation


def sample_value(unit, seconds, amount):
    """The sample of one batch that did `amount` operations in `seconds`: time per operation in a
    time unit, amount / seconds in a rate unit."""
    if unit in _TIME_SCALE:
        return seconds / amount * _TIME_SCALE[unit]
    return amount / seconds


def print_sample(name, value, unit):
    print(f"@sample {name} {value:.6g} {unit}", flush=True)


def batches_from(args, timed, size, warmup=2):
    """The case's defaults, with --param warmup=W, batches=K, batch_size=N when given (a usage
    error, exit 2, when not positive: warmup may be 0)."""
    chosen = Batches(
        warmup=args.int_param("warmup", warmup),
        timed=args.int_param("batches", timed),
        size=args.int_param("batch_size", size),
    )
    if chosen.warmup < 0:
        case_args.exit_with_usage_error(args.program, f"argument --param: warmup={chosen.warmup}: must be >= 0")
    if chosen.timed < 1:
        case_args.exit_with_usage_error(args.program, f"argument --param: batches={chosen.timed}: must be >= 1")
    if chosen.size < 1:
        case_args.exit_with_usage_error(args.program, f"argument --param: batch_size={chosen.size}: must be >= 1")
    return chosen


def run_batches(batches, series):
    """Runs every series `warmup` times untimed, then `timed` rounds in which each series runs one
    timed batch of `size` operations in turn and prints its @sample line. Returns the samples,
    one list per series in input order."""
    for _ in range(batches.warmup):
        for one in series:
            one.batch(batches.size)
    samples = [[] for _ in series]
    clock = time.perf_counter
    for _ in range(batches.timed):
        for index, one in enumerate(series):
            start = clock()
            one.batch(batches.size)
            elapsed = clock() - start
            value = sample_value(one.unit, elapsed, batches.size * one.amount_per_operation)
            samples[index].append(value)
            print_sample(one.name, value, one.unit)
    return samples


def median(samples):
    """The median (the mean of the middle two for an even count); 0 for none."""
    ordered = sorted(samples)
    if not ordered:
        return 0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
