import multiprocessing as mp
import sys
import time

PAIRS = 1_000_000


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    lock = mp.Lock()
    start = time.perf_counter()
    for _ in range(PAIRS):
        lock.acquire()
        lock.release()
    elapsed = time.perf_counter() - start
    print(f"acquired and released a Lock {PAIRS} times", flush=True)
    print(f"lock free afterwards: {'yes' if lock.acquire(False) else 'no'}", flush=True)
    print(f"@metric ns_per_acquire_release {elapsed / PAIRS * 1e9:.1f} ns", flush=True)
