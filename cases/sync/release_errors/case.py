import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def release_foreign(rlock, results):
    try:
        rlock.release()
        results.put("released")
    except Exception as e:
        results.put(f"{type(e).__name__}: {e}")


def report(what, fn):
    try:
        fn()
        print(f"{what}: ok", flush=True)
    except Exception as e:
        print(f"{what}: {type(e).__name__}: {e}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    lock = mp.Lock()
    report("release an unheld Lock", lock.release)
    lock.acquire()
    report("release a held Lock", lock.release)
    bounded = mp.BoundedSemaphore(2)
    report("release a full BoundedSemaphore(2)", bounded.release)
    semaphore = mp.Semaphore(0)
    report("release a Semaphore(0) twice", lambda: (semaphore.release(), semaphore.release()))
    print(f"Semaphore value {semaphore.get_value()}", flush=True)
    rlock = mp.RLock()
    report("release an unheld RLock", rlock.release)
    rlock.acquire()
    results = mp.Queue()
    child = mp.Process(target=release_foreign, args=(rlock, results))
    child.start()
    print(f"child releases the parent's RLock: {results.get(timeout=10)}", flush=True)
    child.join()
    rlock.release()
    condition = mp.Condition()
    report("Condition.wait without the lock", lambda: condition.wait(0.1))
    report("Condition.notify without the lock", condition.notify)
    report("Condition.notify_all without the lock", condition.notify_all)
    with condition:
        print(f"Condition.wait(0.05) with the lock: {'notified' if condition.wait(0.05) else 'timed out'}",
              flush=True)
    barrier = mp.Barrier(2, timeout=0.05)
    report("Barrier(2).wait alone, timeout 0.05", barrier.wait)
    print(f"Barrier broken {'yes' if barrier.broken else 'no'}", flush=True)
    report("Barrier.wait on a broken barrier", barrier.wait)
    barrier.reset()
    print(f"after reset, broken {'yes' if barrier.broken else 'no'}", flush=True)
