# CPython's side of runtime/bench/pool_bench.cpp, for ratios measured in the same minute:
#   python3 runtime/bench/pool_bench.py [fork|spawn|forkserver]
# Prints the same figures: apply_async(f).get() round trip and map(identity, 100k) per item, Pool(2).
import multiprocessing as mp
import sys
import time


def identity(x):
    return x


def one():
    return 1


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "fork")
    with mp.Pool(2) as pool:
        pool.apply(one)
        items = list(range(100000))
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            pool.map(identity, items)
            best = min(best, time.perf_counter() - start)
        print(f"map per item: {best / len(items) * 1e9:.1f} ns")
        rounds = 2000
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for _ in range(rounds):
                pool.apply_async(one).get()
            best = min(best, time.perf_counter() - start)
        print(f"apply_async round trip: {best / rounds * 1e6:.2f} us")
