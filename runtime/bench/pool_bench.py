# CPython's side of runtime/bench/pool_bench.cpp, and the pools a Python user would pick instead:
# billiard (Celery's fork of multiprocessing, Debian's python3-billiard) and loky (joblib's
# executor, Debian's python3-joblib).
#
#   python3 runtime/bench/pool_bench.py [fork|spawn|forkserver]
#       prints each figure once: map(identity, items) per item for each item kind, and the
#       apply round trip of each pool (CPython's apply_async(f).get(), billiard's, loky's
#       submit(f).result());
#   python3 runtime/bench/pool_bench.py --serve [fork|spawn|forkserver]
#       what mp_pool_bench starts, so both sides run interleaved in one run: one command a line on
#       stdin, one reply a line on stdout, the seconds the command's work took (measured here, so
#       the command pipe is not counted):
#         map KIND COUNT      one pool.map(identity, items) on Pool(2)
#         apply POOL ROUNDS   ROUNDS apply round trips of one() on POOL's two workers
#       A peer that is not installed replies "missing".
#
# Item kinds, as pool_bench.cpp's: int64 (Python ints), and bytes of 8, 1024, 65536, 1048576.
import multiprocessing as mp
import os
import sys
import time

ITEM_KINDS = {"int64": None, "8": 8, "1024": 1024, "65536": 65536, "1048576": 1 << 20}
# How many items one map of each kind takes (pool_bench.cpp's kMapItems).
ITEM_COUNTS = {"int64": 100000, "8": 100000, "1024": 20000, "65536": 1000, "1048576": 64}


def identity(x):
    return x


def one():
    return 1


def import_peer(name):
    """The peer's module, or None. Debian installs the peers for its own python3 (dist-packages);
    another CPython 3.11 on the machine (pyenv) can load them from there (pure Python)."""
    for attempt in range(2):
        try:
            if name == "billiard":
                import billiard

                return billiard
            from joblib.externals import loky

            return loky
        except ImportError:
            debian = "/usr/lib/python3/dist-packages"
            if attempt or not os.path.isdir(debian):
                return None
            sys.path.append(debian)
            # loky's workers are fresh interpreters: they need the path too.
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), debian]))
    return None


class Pools:
    """Each pool started once, on first use, with two workers."""

    def __init__(self, method):
        self.method = method
        self.started = {}
        self.items = {}

    def items_of(self, kind, count):
        key = (kind, count)
        if key not in self.items:
            size = ITEM_KINDS[kind]
            # Distinct objects: pickle would send a repeated object once.
            self.items[key] = list(range(count)) if size is None else [bytes(size) for _ in range(count)]
        return self.items[key]

    def cpython(self):
        if "cpython" not in self.started:
            pool = mp.get_context(self.method).Pool(2)
            pool.map(identity, [1, 2, 3])
            self.started["cpython"] = pool
        return self.started["cpython"]

    def apply_call(self, name):
        """A function making one round trip on pool `name`, or None when the peer is missing."""
        if name == "cpython":
            pool = self.cpython()
            return lambda: pool.apply_async(one).get()
        if name not in self.started:
            module = import_peer(name)
            if module is None:
                return None
            if name == "billiard":
                pool = module.get_context(self.method).Pool(2)
                call = lambda: pool.apply_async(one).get()
            else:
                pool = module.get_reusable_executor(max_workers=2)
                call = lambda: pool.submit(one).result()
            call()
            self.started[name] = (pool, call)
        return self.started[name][1]

    def map_seconds(self, kind, count):
        items = self.items_of(kind, count)
        pool = self.cpython()
        start = time.perf_counter()
        results = pool.map(identity, items)
        seconds = time.perf_counter() - start
        if len(results) != len(items) or results[-1] != items[-1]:
            raise AssertionError("map lost items")
        return seconds

    def apply_seconds(self, name, rounds):
        call = self.apply_call(name)
        if call is None:
            return None
        start = time.perf_counter()
        for _ in range(rounds):
            call()
        return time.perf_counter() - start

    def close(self):
        for name, started in self.started.items():
            pool = started if name == "cpython" else started[0]
            if hasattr(pool, "terminate"):
                pool.terminate()
            else:
                pool.shutdown(wait=True)


def serve(pools):
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "map":
            seconds = pools.map_seconds(words[1], int(words[2]))
        elif words[0] == "apply":
            seconds = pools.apply_seconds(words[1], int(words[2]))
        else:
            raise ValueError(f"unknown command {line!r}")
        print("missing" if seconds is None else repr(seconds), flush=True)


def report(pools):
    for kind, count in ITEM_COUNTS.items():
        best = min(pools.map_seconds(kind, count) for _ in range(5))
        print(f"map {kind:>7} per item: {best / count * 1e9:10.1f} ns")
    rounds = 2000
    for name in ("cpython", "billiard", "loky"):
        runs = [pools.apply_seconds(name, rounds) for _ in range(3)]
        if runs[0] is None:
            print(f"apply round trip {name:>8}: not installed")
        else:
            print(f"apply round trip {name:>8}: {min(runs) / rounds * 1e6:8.2f} us")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--serve"]
    method = args[0] if args else "fork"
    mp.set_start_method(method)
    pools = Pools(method)
    try:
        serve(pools) if "--serve" in sys.argv else report(pools)
    finally:
        pools.close()
