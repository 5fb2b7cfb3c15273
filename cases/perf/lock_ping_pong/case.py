# Cross-process Lock ping-pong: two Locks used as binary semaphores, released by one process and
# acquired by the other.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


def pong(ping_lock, pong_lock, rounds):
    for _ in range(rounds):
        ping_lock.acquire()
        pong_lock.release()


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=1000)
    ping_lock, pong_lock = mp.Lock(), mp.Lock()
    ping_lock.acquire()
    pong_lock.acquire()
    rounds = (batches.warmup + batches.timed) * batches.size
    child = mp.Process(target=pong, args=(ping_lock, pong_lock, rounds))
    child.start()

    def ping(n):
        for _ in range(n):
            ping_lock.release()
            pong_lock.acquire()

    print(f"Lock ping-pong round trips: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("round_trip", "us", ping)])
    child.join()
    print(f"child exitcode {child.exitcode} after {rounds} round trips", flush=True)
