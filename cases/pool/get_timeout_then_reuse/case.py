# Seed 001: AsyncResult.get(timeout) raises multiprocessing.TimeoutError when the result is not
# ready in time; the result stays pending (a later get() returns it) and the pool stays usable.
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def slow_echo(word):
    time.sleep(0.3)
    return word


def square(x):
    return x * x


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    with mp.Pool(2) as pool:
        result = pool.apply_async(slow_echo, ("done",))
        try:
            print(f"get(timeout=0.05) returned {result.get(timeout=0.05)}", flush=True)
        except mp.TimeoutError as e:
            print(f"get(timeout=0.05) raised {type(e).__name__}", flush=True)
        print(f"get() then returned {result.get()}", flush=True)
        print(f"pool still works: square(7) = {pool.apply(square, (7,))}", flush=True)
