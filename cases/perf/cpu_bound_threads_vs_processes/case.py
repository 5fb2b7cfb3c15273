import multiprocessing as mp
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

WORKERS = 2
ROUNDS = 3


def work(iterations):
    x = 0
    for i in range(iterations):
        x = (x * 31 + i) & 0xFFFFFFFF
    return x


def serial(iterations):
    for _ in range(WORKERS):
        work(iterations)


def concurrently(make, iterations):
    runners = [make(target=work, args=(iterations,)) for _ in range(WORKERS)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()


def median_seconds(run):
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    iterations = args.int_param("iterations", 1_500_000)
    serial_s = median_seconds(lambda: serial(iterations))
    threads_s = median_seconds(lambda: concurrently(threading.Thread, iterations))
    processes_s = median_seconds(lambda: concurrently(mp.Process, iterations))
    print(f"CPU-bound work, {WORKERS} units: serial, on {WORKERS} threads, on {WORKERS} processes", flush=True)
    print(f"{WORKERS} threads at least 1.5x faster than serial: {serial_s / threads_s >= 1.5}", flush=True)
    print(f"@metric threads_speedup {serial_s / threads_s:.2f}", flush=True)
    print(f"@metric processes_speedup {serial_s / processes_s:.2f}", flush=True)
