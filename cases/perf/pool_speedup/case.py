# CPU-bound work on Pool(2) against the same work done serially: the speed-up processes buy.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py

WORKERS = 2


def count_primes(limit):
    """Primes below limit, by trial division: pure CPU, no allocation in the loop."""
    count = 0
    for candidate in range(2, limit):
        divisor = 2
        while divisor * divisor <= candidate:
            if candidate % divisor == 0:
                break
            divisor += 1
        else:
            count += 1
    return count


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=15, size=WORKERS, warmup=1)
    limit = args.int_param("limit", 10000)
    results = {"serial": set(), "pool": set()}
    with mp.Pool(WORKERS) as pool:
        pool.map(count_primes, [10] * WORKERS)  # the workers are up

        def serial(n):
            results["serial"].update(count_primes(limit) for _ in range(n))

        def parallel(n):
            results["pool"].update(pool.map(count_primes, [limit] * n, chunksize=1))

        print(f"count_primes({limit}) tasks, serial and on Pool({WORKERS}): "
              f"{batches.timed} batches of {batches.size}", flush=True)
        serial_ms, pool_ms = bench.run_batches(
            batches, [bench.Series("serial_task", "ms", serial), bench.Series("pool_task", "ms", parallel)])
    print(f"serial results: {sorted(results['serial'])}, pool results: {sorted(results['pool'])}", flush=True)
    print(f"@metric speedup {bench.median(serial_ms) / bench.median(pool_ms):.3f}", flush=True)
