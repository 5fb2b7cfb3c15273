"""Seed 000's trouble-shooting: a Queue passed to Pool.starmap, then the note's fix.

An mp.Queue passed as a starmap argument is pickled with the task, and a Queue refuses pickling
outside process start: starmap raises the inheritance RuntimeError. A Manager().Queue() is a proxy,
which pickles to its server's address and the object's id: passed the same way, every worker's put
reaches the server, and the parent gets each number exactly once."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def process_queue(q, num):
    q.put(num)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    numbers = list(range(1, 11))
    with mp.Pool(2) as pool:
        plain = mp.Queue()
        try:
            pool.starmap(process_queue, [(plain, num) for num in numbers])
            print("mp.Queue: starmap returned", flush=True)
        except Exception as e:
            print(f"mp.Queue: starmap raised {type(e).__name__}: {e}", flush=True)
        with mp.Manager() as manager:
            q = manager.Queue()
            pool.starmap(process_queue, [(q, num) for num in numbers])
            print("Manager().Queue(): starmap returned", flush=True)
            got = sorted(q.get(timeout=10) for _ in numbers)
            print(f"got {' '.join(str(n) for n in got)}", flush=True)
            print(f"every number exactly once: {'yes' if got == numbers else 'no'}", flush=True)
            print(f"queue empty afterwards: {'yes' if q.empty() else 'no'}", flush=True)
