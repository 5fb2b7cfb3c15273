# Seed 004: process names. The main process is "MainProcess"; a Process gets "Process-N" from a
# counter unless given a name; a child started by Process-1 is "Process-1:1"; each child's
# current_process().name is its object's name and its parent_process().name is its parent's.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def report(queue):
    me = mp.current_process()
    queue.put(f"child {me.name} sees parent {mp.parent_process().name}")


def report_and_spawn(queue):
    report(queue)
    grandchild = mp.Process(target=report, args=(queue,))
    queue.put(f"{mp.current_process().name} creates {grandchild.name}")
    grandchild.start()
    grandchild.join()


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    print(f"main process is {mp.current_process().name}", flush=True)
    queue = mp.Queue()
    first = mp.Process(target=report_and_spawn, args=(queue,))
    second = mp.Process(target=report, args=(queue,))
    named = mp.Process(target=report, args=(queue,), name="logger")
    print(f"objects named {first.name}, {second.name}, {named.name}", flush=True)
    for child in (first, second, named):
        child.start()
        # first's lines come from two processes (two feeder threads): sorted, not in arrival order
        lines = sorted(queue.get() for _ in range(3 if child is first else 1))
        for line in lines:
            print(line, flush=True)
        child.join()
