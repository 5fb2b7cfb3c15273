# Pipe round trip: the parent sends an int over a duplex Pipe, a child sends it back.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py

STOP = -1


def echo(conn):
    for item in iter(conn.recv, STOP):
        conn.send(item)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=1000)
    parent_end, child_end = mp.Pipe()
    child = mp.Process(target=echo, args=(child_end,))
    child.start()
    mismatches = 0

    def round_trips(n):
        global mismatches
        for i in range(n):
            parent_end.send(i)
            if parent_end.recv() != i:
                mismatches += 1

    print(f"pipe round trips: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("round_trip", "us", round_trips)])
    parent_end.send(STOP)
    child.join()
    print(f"replies that differ from their request: {mismatches}", flush=True)
    print(f"echo child exitcode {child.exitcode}", flush=True)
