# Queue round trip: the parent puts an int on one Queue, a child gets it and puts it on another.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py

STOP = -1


def echo(requests, replies):
    for item in iter(requests.get, STOP):
        replies.put(item)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=500)
    requests, replies = mp.Queue(), mp.Queue()
    child = mp.Process(target=echo, args=(requests, replies))
    child.start()
    mismatches = 0

    def round_trips(n):
        global mismatches
        for i in range(n):
            requests.put(i)
            if replies.get() != i:
                mismatches += 1

    print(f"queue round trips: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("round_trip", "us", round_trips)])
    requests.put(STOP)
    child.join()
    print(f"replies that differ from their request: {mismatches}", flush=True)
    print(f"echo child exitcode {child.exitcode}", flush=True)
