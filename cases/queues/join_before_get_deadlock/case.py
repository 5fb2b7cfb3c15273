"""Joining a process before getting the large item it put on a queue deadlocks.

The child puts 'X' * 1000000. Its feeder thread writes the pickled string into the queue's pipe,
which holds 64 KiB, and blocks until a reader drains it; the child does not finish exiting until
its feeder has flushed everything. The parent joins before getting: the parent waits for the
child, the child waits for the parent. The program never reaches "join returned"."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEM_BYTES = 1_000_000


def put_large_item(queue):
    queue.put("X" * ITEM_BYTES)


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    queue = mp.Queue()
    child = mp.Process(target=put_large_item, args=(queue,))
    child.start()
    print(f"child puts a {ITEM_BYTES}-byte string", flush=True)
    print("parent joins the child before getting the item", flush=True)
    child.join()  # this deadlocks
    print("join returned", flush=True)
    item = queue.get()
    print(f"got {len(item)} bytes", flush=True)


if __name__ == "__main__":
    main()
