import multiprocessing as mp
import sys
import time


def hold(lock, held):
    lock.acquire()
    held.set()
    time.sleep(60)


def try_acquire(lock, results):
    results.put("yes" if lock.acquire(timeout=0.2) else "no")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
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
