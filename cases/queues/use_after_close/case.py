# Seed 000 (Queue close()/join_thread()): after close() a queue refuses put() and get() with
# ValueError "Queue <...> is closed"; join_thread() is only allowed after close() (AssertionError
# "Queue <...> not closed" before), and then waits for the feeder to flush the item put earlier.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def attempt(label, action):
    try:
        action()
        print(f"{label}: ok", flush=True)
    except (ValueError, AssertionError) as e:
        print(f"{label}: {type(e).__name__}: {e}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    attempt("join_thread() before close()", queue.join_thread)
    queue.put("item")
    queue.close()
    attempt("put() after close()", lambda: queue.put("late"))
    attempt("get() after close()", queue.get)
    attempt("join_thread() after close()", queue.join_thread)
