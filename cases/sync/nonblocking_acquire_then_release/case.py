import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def hold(lock, held, done):
    lock.acquire()
    held.set()
    done.wait(10)
    try:
        lock.release()
        print("holder: its own release() succeeded", flush=True)
    except ValueError as error:
        print(f"holder: its own release() raised ValueError: {error}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    lock, held, done = mp.Lock(), mp.Event(), mp.Event()
    holder = mp.Process(target=hold, args=(lock, held, done))
    holder.start()
    held.wait(10)
    # Seed 002 writes acquire(blocking=False), threading.Lock's keyword; SemLock's is `block`, and
    # the seed's spelling raises TypeError before anything is tried (not printed: C++ has no
    # keywords, so the two sides can only share what follows).
    try:
        lock.acquire(blocking=False)
        sys.exit("acquire(blocking=False) was accepted")
    except TypeError:
        pass
    # The seed's pattern as it runs: try the lock without blocking, then release() regardless.
    print(f"acquire(False) while another process holds it: {lock.acquire(False)}", flush=True)
    try:
        lock.release()
        print("unconditional release(): succeeded", flush=True)
    except ValueError as error:
        print(f"unconditional release(): ValueError: {error}", flush=True)
    print(f"acquire(False) after that: {lock.acquire(False)}", flush=True)
    lock.release()
    done.set()
    holder.join()
    print(f"holder exitcode {holder.exitcode}", flush=True)
