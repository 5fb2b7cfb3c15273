"""Pool.imap_unordered yields results in completion order.

Pool(2), six tasks, chunksize 1 (imap_unordered's default). Task 0 is the slow one: it waits
until task 2 has run. Idle workers pull the next task from one shared task queue, so the worker
that holds task 0 is blocked while the other worker runs task 1, sends its result, then runs task
2. Task 1's result is therefore sent before task 0 can finish: with no timing assumption, task 0
is never yielded first, and task 1 is always yielded before it. The set of results is exactly the
input set. The event travels to the workers through the pool's initializer (inheritance)."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

TASK_COUNT = 6
slow_task_may_finish = None  # the Event, set in each worker by init_worker


def init_worker(event):
    global slow_task_may_finish
    slow_task_may_finish = event


def run_task(index):
    if index == 0:
        # Bounded: a broken pool shows up as a wrong order, never as a hang.
        slow_task_may_finish.wait(timeout=10)
    elif index == 2:
        slow_task_may_finish.set()
    return index


def main():
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    event = mp.Event()
    with mp.Pool(processes=2, initializer=init_worker, initargs=(event,)) as pool:
        yielded = list(pool.imap_unordered(run_task, range(TASK_COUNT)))
    print(f"imap_unordered yielded {len(yielded)} results", flush=True)
    print("sorted results", " ".join(str(i) for i in sorted(yielded)), flush=True)
    print("every task yielded exactly once:", "yes" if sorted(yielded) == list(range(TASK_COUNT)) else "no",
          flush=True)
    print("slow task 0 yielded first:", "yes" if yielded[0] == 0 else "no", flush=True)
    print("task 1 yielded before task 0:", "yes" if yielded.index(1) < yielded.index(0) else "no", flush=True)
    print(f"@metric position_of_task0 {yielded.index(0) + 1}", flush=True)
    print(f"@metric yielded_in_input_order {int(yielded == list(range(TASK_COUNT)))}", flush=True)


if __name__ == "__main__":
    main()
