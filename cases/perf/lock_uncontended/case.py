# Uncontended Lock acquire+release in one process, timed in batches after a warm-up.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=100000)
    lock = mp.Lock()

    def acquire_release(n):
        acquire, release = lock.acquire, lock.release
        for _ in range(n):
            acquire()
            release()

    print(f"Lock acquire+release: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("acquire_release", "ns", acquire_release)])
    print(f"lock free afterwards: {'yes' if lock.acquire(False) else 'no'}", flush=True)
