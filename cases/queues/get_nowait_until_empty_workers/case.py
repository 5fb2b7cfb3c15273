"""10 items, 4 workers each calling get_nowait() until Empty: exactly 4 Empty, every item once.

A filler process puts 0..9 and is joined first: a process that put items does not finish exiting
until its feeder thread has written them all into the pipe, so every item is in the pipe before
any worker starts. Each worker takes items with get_nowait() and stops at its first Empty, so
there are exactly 4 Empty, one per worker, and between them the workers take each item exactly
once. Seed 000 explains the 4 with rounds ("4/4/2, then 2 + 2 Empty") and calls it "not a race";
both are off: the count is 4 because each of the 4 loops ends on exactly one Empty, and who gets
which item is a race (a worker can even get Empty while items remain, because get_nowait() gives
up when another process holds the queue's read lock; the last worker still drains the rest)."""
import multiprocessing as mp
import os
import queue as queue_module
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEMS = 10
WORKERS = 4


def fill(items):
    for item in range(ITEMS):
        items.put(item)


def drain(worker, items, reports):
    taken = []
    empties = 0
    while True:
        try:
            taken.append(items.get_nowait())
        except queue_module.Empty:
            empties += 1
            break
    reports.put((worker, taken, empties))


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    items = mp.Queue()
    reports = mp.Queue()
    filler = mp.Process(target=fill, args=(items,))
    filler.start()
    filler.join()
    print(f"a filler process put {ITEMS} items and was joined (exitcode {filler.exitcode})", flush=True)
    workers = [mp.Process(target=drain, args=(w, items, reports)) for w in range(WORKERS)]
    for w in workers:
        w.start()
    results = [reports.get(timeout=30) for _ in workers]
    for w in workers:
        w.join()
    taken = sorted(item for _, items_taken, _ in results for item in items_taken)
    empties = sum(e for _, _, e in results)
    print(f"{WORKERS} workers called get_nowait until Empty", flush=True)
    print(f"Empty raised {empties} times", flush=True)
    print(f"items taken {len(taken)}:", " ".join(map(str, taken)), flush=True)
    print("every item taken exactly once:", "yes" if taken == list(range(ITEMS)) else "no", flush=True)
    print("worker exitcodes", " ".join(str(w.exitcode) for w in workers), flush=True)
    per_worker = sorted(len(t) for _, t, _ in results)
    print(f"@metric empties {empties}", flush=True)
    print(f"@metric most_items_one_worker {per_worker[-1]}", flush=True)
    print(f"@metric workers_with_no_item {per_worker.count(0)}", flush=True)


if __name__ == "__main__":
    main()
