# Seed 000: an mp.Queue passed to Pool.starmap as a task argument. Tasks are pickled, and a Queue
# may only be pickled while a process is being spawned: starmap raises RuntimeError.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def put_item(queue, item):
    queue.put(item)


def power(base, exponent):
    return base ** exponent


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    with mp.Pool(2) as pool:
        try:
            pool.starmap(put_item, [(queue, 1), (queue, 2)])
            print("starmap returned", flush=True)
        except Exception as e:
            print(f"starmap raised {type(e).__name__}: {e}", flush=True)
        print(f"pool still works: power(2, 3) = {pool.starmap(power, [(2, 3)])[0]}", flush=True)
    print(f"queue empty: {'yes' if queue.empty() else 'no'}", flush=True)
