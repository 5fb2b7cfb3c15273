import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

PROCESSES = 4
INCREMENTS = 5000


def add_locked(counter):
    for _ in range(INCREMENTS):
        with counter.get_lock():
            counter.value += 1


def add_unlocked(counter):
    for _ in range(INCREMENTS):
        counter.value += 1


def run(target, counter):
    children = [mp.Process(target=target, args=(counter,)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    return counter.value


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    total = PROCESSES * INCREMENTS
    print(f"{PROCESSES} processes x {INCREMENTS} increments of a shared Value('i')", flush=True)
    locked = run(add_locked, mp.Value("i", 0))
    print(f"with get_lock() held: {locked}", flush=True)
    unlocked = run(add_unlocked, mp.Value("i", 0))
    print(f"without it: at most {total}: {'yes' if unlocked <= total else 'no'}", flush=True)
    print(f"@metric lost_updates {total - unlocked}", flush=True)
