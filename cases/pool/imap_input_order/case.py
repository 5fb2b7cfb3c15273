"""Pool.imap yields results in input order, even when the first task is the slowest.

Pool(2), five tasks of 80, 10, 40, 0 and 20 ms: the second worker finishes tasks 1 to 4 before
task 0 is done, and imap still yields task 0 first."""
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

DURATIONS_MS = [80, 10, 40, 0, 20]


def run_task(index):
    time.sleep(DURATIONS_MS[index] / 1000)
    # CLOCK_MONOTONIC is system-wide: finish times of different workers compare.
    return index, time.monotonic_ns()


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    print("tasks", " ".join(f"task{i}={ms}ms" for i, ms in enumerate(DURATIONS_MS)), flush=True)
    finished = []
    with mp.Pool(processes=2) as pool:
        for index, finish_ns in pool.imap(run_task, range(len(DURATIONS_MS))):
            print(f"imap yielded task{index}", flush=True)
            finished.append((finish_ns, index))
    in_order = [index for _, index in finished] == list(range(len(DURATIONS_MS)))
    print("yielded in input order:", "yes" if in_order else "no", flush=True)
    finish_order = [index for _, index in sorted(finished)]
    print(f"@metric finish_rank_task0 {finish_order.index(0) + 1}", flush=True)
    print(f"@metric finished_out_of_input_order {int(finish_order != sorted(finish_order))}", flush=True)


if __name__ == "__main__":
    main()
