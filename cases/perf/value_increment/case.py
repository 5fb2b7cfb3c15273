# Value increment under its lock: `with value.get_lock(): value.value += 1`, timed in batches.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=20000)
    counter = mp.Value("q", 0)

    def increment(n):
        for _ in range(n):
            with counter.get_lock():
                counter.value += 1

    print(f"Value increments under get_lock(): {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("increment", "ns", increment)])
    print(f"value afterwards: {counter.value}", flush=True)
