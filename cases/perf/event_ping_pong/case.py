# Cross-process Event ping-pong: the parent sets ping and waits for pong; a child waits for ping,
# clears it and sets pong.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


def pong(ping_event, pong_event, rounds):
    for _ in range(rounds):
        ping_event.wait()
        ping_event.clear()
        pong_event.set()


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=500)
    ping_event, pong_event = mp.Event(), mp.Event()
    rounds = (batches.warmup + batches.timed) * batches.size
    child = mp.Process(target=pong, args=(ping_event, pong_event, rounds))
    child.start()

    def ping(n):
        for _ in range(n):
            ping_event.set()
            pong_event.wait()
            pong_event.clear()

    print(f"Event ping-pong round trips: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("round_trip", "us", ping)])
    child.join()
    print(f"child exitcode {child.exitcode} after {rounds} round trips", flush=True)
    print(f"both events clear afterwards: {'yes' if not ping_event.is_set() and not pong_event.is_set() else 'no'}",
          flush=True)
