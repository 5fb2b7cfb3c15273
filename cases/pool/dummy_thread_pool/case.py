import multiprocessing as mp
import os
import sys
import threading
from multiprocessing.dummy import Pool as ThreadPool
from multiprocessing.dummy import Process as DummyProcess

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def work(x):
    return x * x, os.getpid(), threading.get_ident()


def fail():
    raise ValueError("raised in a worker thread")


def yes(flag):
    return "yes" if flag else "no"


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    with ThreadPool(4) as pool:
        results = pool.map(work, range(10))
        print("squares", [r[0] for r in results], flush=True)
        print("every task ran in this process:", yes(all(r[1] == os.getpid() for r in results)), flush=True)
        threads = {r[2] for r in results}
        print("worker threads used, between 1 and 4:", yes(1 <= len(threads) <= 4), flush=True)
        print("the main thread ran no task:", yes(threading.get_ident() not in threads), flush=True)
        print("apply_async", pool.apply_async(work, (7,)).get()[0], flush=True)
        try:
            pool.apply(fail)
        except ValueError as e:
            print(f"ValueError: {e}", flush=True)
    shared = []
    t = DummyProcess(target=shared.append, args=("appended by the thread",))
    print("exitcode before start", t.exitcode, flush=True)
    t.start()
    t.join()
    print("exitcode after join", t.exitcode, flush=True)
    print("alive after join:", yes(t.is_alive()), flush=True)
    print("the parent's list now holds:", shared[0], flush=True)
    try:
        t.start()
    except RuntimeError as e:
        print(f"RuntimeError: {e}", flush=True)
