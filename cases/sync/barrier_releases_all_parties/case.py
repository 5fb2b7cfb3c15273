import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def announce():
    print("barrier action ran", flush=True)


def party(barrier, go, results):
    index = barrier.wait(10)
    results.put(("index", index))
    results.put(("event", "yes" if go.wait(10) else "no"))


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    barrier = mp.Barrier(3, action=announce)
    go = mp.Event()
    results = mp.Queue()
    children = [mp.Process(target=party, args=(barrier, go, results)) for _ in range(2)]
    for child in children:
        child.start()
    mine = barrier.wait(10)
    indexes = [mine] + [results.get(timeout=10)[1] for _ in range(2)]
    print(f"indexes {sorted(indexes)}", flush=True)
    print(f"n_waiting {barrier.n_waiting}, broken {'yes' if barrier.broken else 'no'}", flush=True)
    go.set()
    print(f"children saw the event: {' '.join(sorted(results.get(timeout=10)[1] for _ in range(2)))}", flush=True)
    for child in children:
        child.join()
    print(f"exitcodes {[child.exitcode for child in children]}", flush=True)
