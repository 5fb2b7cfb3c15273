"""Pool.map returns results in input order though tasks finish out of order.

The seed's four tasks (3, 5, 2, 4 seconds) scaled to 60, 100, 40, 80 ms, on Pool(4):
all four run at once, so they finish in the order task3, task1, task4, task2."""
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

TASKS = [("task1", 60), ("task2", 100), ("task3", 40), ("task4", 80)]


def work_log(task):
    name, duration_ms = task
    time.sleep(duration_ms / 1000)
    # CLOCK_MONOTONIC is system-wide: finish times of different workers compare.
    return name, time.monotonic_ns()


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    print("tasks", " ".join(f"{name}={ms}ms" for name, ms in TASKS), flush=True)
    with mp.Pool(processes=4) as pool:
        results = pool.map(work_log, TASKS)
    print("map returned", " ".join(name for name, _ in results), flush=True)
    print("results in input order:", "yes" if [n for n, _ in results] == [n for n, _ in TASKS] else "no",
          flush=True)
    by_finish = sorted(results, key=lambda r: r[1])
    for rank, (name, _) in enumerate(by_finish, 1):
        print(f"@metric finish_rank_{name} {rank}", flush=True)
    out_of_order = [n for n, _ in by_finish] != [n for n, _ in TASKS]
    print(f"@metric finished_out_of_input_order {int(out_of_order)}", flush=True)


if __name__ == "__main__":
    main()
