# CPython's side of runtime/bench/sync_bench.cpp, for ratios measured in the same minute:
#   python3 runtime/bench/sync_bench.py
# Prints the same figures: uncontended Lock/RLock/Semaphore acquire+release, Value read/write and
# increment under get_lock(), and a cross-process Semaphore / Lock ping-pong (fork).
import multiprocessing as mp
import time


def best_ns(fn, rounds, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(rounds)
        best = min(best, time.perf_counter() - start)
    return best / rounds * 1e9


def acquire_release(lock):
    def run(rounds):
        acquire, release = lock.acquire, lock.release
        for _ in range(rounds):
            acquire()
            release()
    return run


def value_read(value):
    def run(rounds):
        for _ in range(rounds):
            value.value
    return run


def value_write(value):
    def run(rounds):
        for i in range(rounds):
            value.value = i
    return run


def value_increment(value):
    def run(rounds):
        for _ in range(rounds):
            with value.get_lock():
                value.value += 1
    return run


def pong(ping, pong_, rounds):
    for _ in range(rounds):
        ping.acquire()
        pong_.release()


def ping_pong(ping, pong_, rounds):
    child = mp.Process(target=pong, args=(ping, pong_, rounds))
    child.start()
    start = time.perf_counter()
    for _ in range(rounds):
        ping.release()
        pong_.acquire()
    elapsed = time.perf_counter() - start
    child.join()
    return elapsed / rounds * 1e9


if __name__ == "__main__":
    mp.set_start_method("fork")
    n = 1_000_000
    print(f"Lock acquire+release: {best_ns(acquire_release(mp.Lock()), n):.1f} ns")
    print(f"RLock acquire+release: {best_ns(acquire_release(mp.RLock()), n):.1f} ns")
    print(f"Semaphore acquire+release: {best_ns(acquire_release(mp.Semaphore(1)), n):.1f} ns")
    value = mp.Value("l", 0)
    print(f"Value read: {best_ns(value_read(value), n):.1f} ns")
    print(f"Value write: {best_ns(value_write(value), n):.1f} ns")
    print(f"Value increment under lock: {best_ns(value_increment(value), n):.1f} ns")
    rounds = 20000
    print(f"Semaphore ping-pong: {ping_pong(mp.Semaphore(0), mp.Semaphore(0), rounds):.0f} ns")
    ping, pong_lock = mp.Lock(), mp.Lock()
    ping.acquire()
    pong_lock.acquire()
    print(f"Lock ping-pong: {ping_pong(ping, pong_lock, rounds):.0f} ns")
