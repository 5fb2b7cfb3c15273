import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

WORKERS = 4
TASKS = 8

if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    with mp.Pool(WORKERS) as pool:
        results = [pool.apply_async(os.getpid) for _ in range(TASKS)]
        pids = [result.get(timeout=10) for result in results]
    print(f"{len(pids)} results from Pool({WORKERS})", flush=True)
    print(f"none is the parent's pid: {os.getpid() not in pids}", flush=True)
    print(f"@metric distinct_workers {len(set(pids))}", flush=True)
