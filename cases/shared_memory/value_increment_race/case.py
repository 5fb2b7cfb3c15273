import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

PROCESSES = 4
INCREMENTS = 5000
RACE_MS = 200  # how long the unlocked increments race: long enough to overlap at any speed
BATCH = 100  # increments between two looks at the clock


def add_locked(counter, start):
    start.wait()
    for _ in range(INCREMENTS):
        with counter.get_lock():
            counter.value += 1


# Increments for RACE_MS after the barrier; how many it made goes to its own slot of `made`.
def add_unlocked(counter, start, made, index):
    start.wait()
    deadline = time.monotonic() + RACE_MS / 1000
    count = 0
    while time.monotonic() < deadline:
        for _ in range(BATCH):
            counter.value += 1
        count += BATCH
    made[index] = count


def run_all(children):
    for child in children:
        child.start()
    for child in children:
        child.join()


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    print(f"{PROCESSES} processes x {INCREMENTS} increments of a shared Value('i'), from a Barrier", flush=True)
    counter, start = mp.Value("i", 0), mp.Barrier(PROCESSES)
    run_all([mp.Process(target=add_locked, args=(counter, start)) for _ in range(PROCESSES)])
    print(f"with get_lock() held: {counter.value}", flush=True)

    counter, start, made = mp.Value("i", 0), mp.Barrier(PROCESSES), mp.Array("q", PROCESSES, lock=False)
    run_all([mp.Process(target=add_unlocked, args=(counter, start, made, i)) for i in range(PROCESSES)])
    total = sum(made)
    print(f"without it, for {RACE_MS} ms: at most the increments made: {'yes' if counter.value <= total else 'no'}",
          flush=True)
    print(f"@metric lost_updates {total - counter.value}", flush=True)
    print(f"@metric unlocked_increments {total}", flush=True)
