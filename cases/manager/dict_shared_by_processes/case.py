"""Seed 001's second way to share state, the server process: a Manager's dict, list, Value and Lock.

Four processes each set one key of a manager dict: the parent sees all four. Pool workers append
to a manager list: every square is there. Four processes add 1000 each to a manager Value under a
manager Lock (counter.value += 1 is a get and a set, two calls): the total is exactly 4000."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

PROCESSES = 4
INCREMENTS = 1000


def set_key(d, key, value):
    d[key] = value


def append_square(l, x):
    l.append(x * x)


def add_under_lock(counter, lock, times):
    for _ in range(times):
        with lock:
            counter.value += 1


def run_all(processes):
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    return [p.exitcode for p in processes]


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    with mp.Manager() as manager:
        d = manager.dict()
        exitcodes = run_all([mp.Process(target=set_key, args=(d, f"p{i}", i)) for i in range(PROCESSES)])
        print(f"setters exitcodes {' '.join(str(c) for c in exitcodes)}", flush=True)
        print(f"dict has {len(d)} keys: {' '.join(f'{k}={v}' for k, v in sorted(d.items()))}", flush=True)

        l = manager.list()
        with mp.Pool(2) as pool:
            pool.starmap(append_square, [(l, x) for x in range(8)])
        print(f"list has {len(l)} items: {' '.join(str(x) for x in sorted(l))}", flush=True)

        counter = manager.Value("i", 0)
        lock = manager.Lock()
        run_all([mp.Process(target=add_under_lock, args=(counter, lock, INCREMENTS)) for _ in range(PROCESSES)])
        print(f"counter {counter.value}, expected {PROCESSES * INCREMENTS}", flush=True)
