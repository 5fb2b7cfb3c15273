# A task SIGKILLs the worker running it. CPython's Pool replaces the dead worker but never fails
# the lost task's result: get() waits forever (the harness kills the program at the timeout).
import multiprocessing as mp
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def kill_own_worker():
    os.kill(os.getpid(), signal.SIGKILL)
    return "unreachable"


def square(x):
    return x * x


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    with mp.Pool(2) as pool:
        result = pool.apply_async(kill_own_worker)
        print("task sends SIGKILL to its own worker", flush=True)
        try:
            value = result.get()
            print(f"get returned {value}", flush=True)
        except Exception as e:
            print(f"get raised {type(e).__name__}", flush=True)
        print(f"pool still works: square(3) = {pool.apply(square, (3,))}", flush=True)
