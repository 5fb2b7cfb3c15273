"""Getting the item before joining the process that put it does not deadlock.

The fix for the join deadlock: the child puts 'X' * 1000000; the parent gets it first (which
drains the pipe and lets the child's feeder thread finish), then joins. The child exits 0."""
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
    item = queue.get()
    print(f"parent got {len(item)} bytes, all X: {'yes' if item == 'X' * ITEM_BYTES else 'no'}", flush=True)
    child.join()
    print(f"joined the child, exitcode {child.exitcode}", flush=True)


if __name__ == "__main__":
    main()
