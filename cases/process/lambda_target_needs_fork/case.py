# Seed 001 (picklability): a lambda as a Process target. Under fork nothing is pickled and the child
# runs it; under spawn and forkserver start() pickles the process object and raises PicklingError
# (a lambda cannot be found by name in __main__), before any child is created.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    child = mp.Process(target=lambda q: q.put("lambda ran in the child"), args=(queue,))
    try:
        child.start()
        print(queue.get(), flush=True)
        child.join()
        print(f"exitcode {child.exitcode}", flush=True)
    except Exception as e:
        print(f"start() raised {type(e).__name__}: {e}", flush=True)
        print(f"child pid assigned: {'no' if child.pid is None else 'yes'}", flush=True)
