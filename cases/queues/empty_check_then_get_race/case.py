"""Between processes, "check empty() then get_nowait()" can raise Empty; one get_nowait() in a
try/except never loses or duplicates an item.

A filler process puts 0..199 into each of two queues and is joined (so every item is in the
pipes). Four workers start together (a Barrier) and drain the first queue the racy way,
`while not q.empty(): q.get_nowait()`, then the second queue the atomic way, `get_nowait()` until
it raises Empty. In the racy loop, empty() can say False and the get_nowait() right after it still
raise Empty: another worker took the last item in between, or held the queue's read lock at that
moment (get_nowait() does not wait for the lock). Seed 000 warns of exactly this; code that does
not expect Empty there crashes. Here each worker counts that Empty and stops, as a crashed worker
would; the count is a race (metric). The atomic pattern has no window: each item is taken by
exactly one worker. In both patterns, the worker that stops last finds the queue really empty, so
no item is left behind (invariants printed on every run)."""
import multiprocessing as mp
import os
import queue as queue_module
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

ITEMS = 200
WORKERS = 4


def fill(racy, atomic):
    for item in range(ITEMS):
        racy.put(item)
        atomic.put(item)


def drain(racy, atomic, start_together, reports):
    start_together.wait(timeout=30)
    racy_taken = []
    surprises = 0
    while not racy.empty():
        try:
            racy_taken.append(racy.get_nowait())
        except queue_module.Empty:
            surprises += 1  # empty() said False, yet there was nothing to get
            break
    start_together.wait(timeout=30)
    atomic_taken = []
    while True:
        try:
            atomic_taken.append(atomic.get_nowait())
        except queue_module.Empty:
            break
    reports.put((racy_taken, surprises, atomic_taken))


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    racy, atomic, reports = mp.Queue(), mp.Queue(), mp.Queue()
    filler = mp.Process(target=fill, args=(racy, atomic))
    filler.start()
    filler.join()
    start_together = mp.Barrier(WORKERS)
    workers = [mp.Process(target=drain, args=(racy, atomic, start_together, reports)) for _ in range(WORKERS)]
    for w in workers:
        w.start()
    results = [reports.get(timeout=30) for _ in workers]
    for w in workers:
        w.join()
    racy_taken = sorted(i for taken, _, _ in results for i in taken)
    atomic_taken = sorted(i for _, _, taken in results for i in taken)
    surprises = sum(s for _, s, _ in results)
    print(f"{WORKERS} workers drain {ITEMS} items with empty() then get_nowait(), then with get_nowait() alone",
          flush=True)
    print("empty() then get_nowait(): every item taken exactly once:",
          "yes" if racy_taken == list(range(ITEMS)) else "no", flush=True)
    print("get_nowait() alone: every item taken exactly once:",
          "yes" if atomic_taken == list(range(ITEMS)) else "no", flush=True)
    print("worker exitcodes", " ".join(str(w.exitcode) for w in workers), flush=True)
    print(f"@metric empty_after_nonempty_check {surprises}", flush=True)
    print(f"@metric racy_workers_stopped_by_empty {sum(1 for _, s, _ in results if s)}", flush=True)
    print(f"@metric atomic_most_items_one_worker {max(len(t) for _, _, t in results)}", flush=True)


if __name__ == "__main__":
    main()
