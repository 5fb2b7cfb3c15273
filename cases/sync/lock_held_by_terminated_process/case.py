import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def hold(lock, held):
    lock.acquire()
    held.set()
    time.sleep(60)


def try_acquire(lock, results):
    results.put("yes" if lock.acquire(timeout=0.2) else "no")


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    lock = mp.Lock()
    held = mp.Event()
    holder = mp.Process(target=hold, args=(lock, held))
    holder.start()
    print(f"holder took the lock: {'yes' if held.wait(10) else 'no'}", flush=True)
    holder.terminate()
    holder.join()
    print(f"holder exitcode {holder.exitcode}", flush=True)
    print(f"parent acquire(timeout=0.2) after the holder died: {'yes' if lock.acquire(timeout=0.2) else 'no'}",
          flush=True)
    print(f"lock {lock!r}", flush=True)
    results = mp.Queue()
    other = mp.Process(target=try_acquire, args=(lock, results))
    other.start()
    print(f"another process acquire(timeout=0.2): {results.get(timeout=10)}", flush=True)
    other.join()
