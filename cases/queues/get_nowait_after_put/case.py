"""get_nowait() right after 10 puts in the same process sees anywhere from 0 to 10 items.

put() hands the item to the queue's feeder thread and returns before it is in the pipe; CPython's
docs call this "an infinitesimal delay before the queue's empty() method returns False". So the
number of items get_nowait() finds before its first Empty, right after 10 puts, is a race: every
value 0..10 is legal (reported as the metric visible_after_put, a distribution over runs). What
holds on every run: a blocking get() then receives the rest, every item exactly once, in put
order, and nothing is left afterwards."""
import multiprocessing as mp
import os
import queue as queue_module
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEMS = 10


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    q = mp.Queue()
    for item in range(ITEMS):
        q.put(item)
    received = []
    try:
        while True:
            received.append(q.get_nowait())
    except queue_module.Empty:
        pass
    visible = len(received)
    while len(received) < ITEMS:
        received.append(q.get(timeout=10))
    try:
        extra = q.get(timeout=0.05)
        left = f"yes ({extra})"
    except queue_module.Empty:
        left = "no"
    print(f"put {ITEMS} items, then get_nowait until Empty, then a blocking get for the rest", flush=True)
    print("received every item exactly once, in put order:",
          "yes" if received == list(range(ITEMS)) else "no", flush=True)
    print("anything left afterwards:", left, flush=True)
    print(f"@metric visible_after_put {visible}", flush=True)


if __name__ == "__main__":
    main()
