# Seed 004: a daemon process may not create child processes. start() inside a daemon raises
# AssertionError before anything is started; the daemon itself goes on and exits 0.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def grandchild():
    pass


def daemon_main(queue):
    try:
        mp.Process(target=grandchild).start()
        queue.put("daemon started a child")
    except AssertionError as e:
        queue.put(f"daemon's start() raised {type(e).__name__}: {e}")


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    child = mp.Process(target=daemon_main, args=(queue,), daemon=True)
    child.start()
    print(queue.get(), flush=True)
    child.join()
    print(f"daemon exitcode {child.exitcode}", flush=True)
