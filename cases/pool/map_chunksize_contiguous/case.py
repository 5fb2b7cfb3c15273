"""Pool.map with an explicit chunksize hands each worker contiguous chunks of the input.

map(f, range(12), chunksize=3) on Pool(2) makes 4 tasks: items 0-2, 3-5, 6-8, 9-11. A worker
runs a whole chunk, item after item, before taking anything else, so each chunk's items share one
worker pid and have consecutive per-worker call numbers. Which worker gets which chunk is a race
(reported as metrics)."""
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEMS = 12
CHUNKSIZE = 3
calls_in_this_worker = 0  # a per-process global: each worker counts its own calls


def record(item):
    global calls_in_this_worker
    calls_in_this_worker += 1
    time.sleep(0.002)  # long enough for both workers to take part
    return item, os.getpid(), calls_in_this_worker


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    with mp.Pool(processes=2) as pool:
        results = pool.map(record, range(ITEMS), chunksize=CHUNKSIZE)
    print(f"items {ITEMS} chunksize {CHUNKSIZE} workers 2", flush=True)
    print("results in input order:", "yes" if [r[0] for r in results] == list(range(ITEMS)) else "no", flush=True)
    for start in range(0, ITEMS, CHUNKSIZE):
        chunk = results[start:start + CHUNKSIZE]
        one_worker = len({pid for _, pid, _ in chunk}) == 1
        first_call = chunk[0][2]
        consecutive = [call for _, _, call in chunk] == list(range(first_call, first_call + len(chunk)))
        print(f"chunk {start}-{start + len(chunk) - 1} ran in one worker, consecutively:",
              "yes" if one_worker and consecutive else "no", flush=True)
    pids = [pid for _, pid, _ in results]
    print(f"@metric workers_used {len(set(pids))}", flush=True)
    print(f"@metric chunks_run_by_first_worker {pids[::CHUNKSIZE].count(pids[0])}", flush=True)


if __name__ == "__main__":
    main()
