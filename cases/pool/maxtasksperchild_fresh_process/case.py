# Seed 002: Pool(2, maxtasksperchild=1). A worker exits after one task and the pool starts a new
# one, so every task runs in a process of its own. Pids vary: the facts are counts.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def worker_pid(task):
    return os.getpid()


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    tasks = 4
    with mp.Pool(2, maxtasksperchild=1) as pool:
        pids = pool.map(worker_pid, range(tasks), chunksize=1)
    print(f"tasks {tasks}", flush=True)
    print(f"distinct worker pids {len(set(pids))}", flush=True)
    print(f"parent ran a task: {'yes' if os.getpid() in pids else 'no'}", flush=True)
