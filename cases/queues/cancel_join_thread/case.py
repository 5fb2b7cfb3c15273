"""cancel_join_thread() lets a process that put a large item exit without it being read.

The child calls queue.cancel_join_thread(), then puts 'X' * 1000000 and returns. It does not
wait for its feeder thread at exit, so the parent's join() returns (exitcode 0) although nobody
read the item. What may be lost: everything the feeder had not written when the child exited,
which here is always the item (the pipe holds 64 KiB of the 1,000,000-byte message at most).
Measured on CPython 3.11 (18 runs across the three start methods): either nothing reached the
pipe (a later get(timeout=0.5) raises Empty), or the first ~62 KB did, and then a later get, even
get(timeout=0.5), blocks forever reading the rest, because the parent itself still holds the
pipe's write end (so no EOF ever comes). So the program does not get from the queue after the
join."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEM_BYTES = 1_000_000


def put_large_item_and_leave(queue):
    queue.cancel_join_thread()
    queue.put("X" * ITEM_BYTES)


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    queue = mp.Queue()
    child = mp.Process(target=put_large_item_and_leave, args=(queue,))
    child.start()
    print(f"child cancels its join thread, then puts a {ITEM_BYTES}-byte string", flush=True)
    print("parent joins the child before getting the item", flush=True)
    child.join()
    print(f"join returned, exitcode {child.exitcode}", flush=True)


if __name__ == "__main__":
    main()
