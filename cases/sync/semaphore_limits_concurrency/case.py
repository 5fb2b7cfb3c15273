import time
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

PROCESSES = 5
SLOTS = 2


def work(semaphore, start, inside, most_inside, entries):
    start.wait()
    with semaphore:
        with inside.get_lock():
            inside.value += 1
            most_inside.value = max(most_inside.value, inside.value)
            entries.value += 1
        time.sleep(0.05)
        with inside.get_lock():
            inside.value -= 1


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    semaphore = mp.Semaphore(SLOTS)
    start = mp.Barrier(PROCESSES + 1)
    inside, most_inside, entries = mp.Value("i", 0), mp.Value("i", 0), mp.Value("i", 0)
    children = [mp.Process(target=work, args=(semaphore, start, inside, most_inside, entries))
                for _ in range(PROCESSES)]
    for child in children:
        child.start()
    start.wait()
    for child in children:
        child.join()
    print(f"{PROCESSES} processes through Semaphore({SLOTS}): {entries.value} entries", flush=True)
    print(f"inside at the end: {inside.value}", flush=True)
    print(f"semaphore value at the end: {semaphore.get_value()}", flush=True)
    print(f"@metric most_inside {most_inside.value}", flush=True)
