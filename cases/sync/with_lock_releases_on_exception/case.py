import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def raise_inside_with(lock):
    with lock:
        raise ValueError("raised while holding the lock")


def raise_after_acquire(lock):
    lock.acquire()
    raise ValueError("raised while holding the lock")


def run(target, lock):
    child = mp.Process(target=target, args=(lock,))
    child.start()
    child.join()
    acquired = lock.acquire(timeout=0.5)
    print(f"{target.__name__}: child exitcode {child.exitcode}, "
          f"parent's acquire(timeout=0.5): {acquired}", flush=True)
    if acquired:
        lock.release()


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    run(raise_inside_with, mp.Lock())
    run(raise_after_acquire, mp.Lock())
