# CPython's side of runtime/bench/manager_bench.cpp, for ratios measured in the same minute:
#   python3 runtime/bench/manager_bench.py [fork|spawn|forkserver]
# Prints the same figures per iteration: d[k] = v then d[k] on a manager dict, and q.put(x) then
# q.get() on a manager Queue (two calls each), as the median of 7 interleaved rounds: wall time, and
# cpu (this thread's CPU time plus every server thread's, as the C++ side's cpu_us counter).
import multiprocessing as mp
import os
import statistics
import sys
import time

ROUNDS = 7
ITERATIONS = 2000


def dict_set_get(d, iterations):
    value = 0
    for _ in range(iterations):
        value += 1
        d["key"] = value
        if d["key"] != value:
            raise AssertionError("dict lost a write")


def queue_put_get(q, iterations):
    value = 0
    for _ in range(iterations):
        value += 1
        q.put(value)
        if q.get() != value:
            raise AssertionError("queue lost an item")


def process_cpu_seconds(pid):
    """CPU time of every thread of process pid (schedstat: nanoseconds on the CPU)."""
    total = 0.0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as schedstat:
            total += int(schedstat.read().split()[0]) * 1e-9
    return total


def per_iteration_us(fn, target, server_pid):
    """(wall, cpu) microseconds per iteration."""
    cpu_start = time.thread_time() + process_cpu_seconds(server_pid)
    start = time.perf_counter()
    fn(target, ITERATIONS)
    wall = time.perf_counter() - start
    cpu = time.thread_time() + process_cpu_seconds(server_pid) - cpu_start
    return wall / ITERATIONS * 1e6, cpu / ITERATIONS * 1e6


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "fork"
    mp.set_start_method(method)
    with mp.Manager() as manager:
        d = manager.dict()
        q = manager.Queue()
        d["key"] = 0  # this thread's connection is open
        q.put(0)
        q.get()
        server = manager._process.pid
        samples = {"dict set+get": [], "queue put+get": []}
        for _ in range(ROUNDS):
            samples["dict set+get"].append(per_iteration_us(dict_set_get, d, server))
            samples["queue put+get"].append(per_iteration_us(queue_put_get, q, server))
        for name, values in samples.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            print(f"CPython {method} manager {name}: {wall:.2f} us wall, {cpu:.2f} us cpu (medians of {ROUNDS})")
