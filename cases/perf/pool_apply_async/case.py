# apply_async round trip: pool.apply_async(increment, (i,)).get() on Pool(2), one task in flight.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


def increment(x):
    return x + 1


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=100)
    wrong_results = 0
    with mp.Pool(2) as pool:
        pool.apply(increment, (0,))  # the workers are up

        def round_trips(n):
            global wrong_results
            for i in range(n):
                if pool.apply_async(increment, (i,)).get() != i + 1:
                    wrong_results += 1

        print(f"apply_async round trips on Pool(2): {batches.timed} batches of {batches.size}", flush=True)
        bench.run_batches(batches, [bench.Series("round_trip", "us", round_trips)])
    print(f"wrong results: {wrong_results}", flush=True)
