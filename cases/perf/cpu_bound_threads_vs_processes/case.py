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


def timed(run):
    """Wall seconds and this process's CPU seconds (every thread's) that run() took."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    iterations = args.int_param("iterations", 1_500_000)
    # Rounds interleave the configurations, so a burst of load from outside slows all three.
    serial_s, threads_s, processes_s, threads_parallelism = [], [], [], []
    for _ in range(ROUNDS):
        serial_s.append(timed(lambda: serial(iterations))[0])
        wall, cpu = timed(lambda: concurrently(threading.Thread, iterations))
        threads_s.append(wall)
        threads_parallelism.append(cpu / wall)
        processes_s.append(timed(lambda: concurrently(mp.Process, iterations))[0])
    serial_median = statistics.median(serial_s)
    print(f"CPU-bound work, {WORKERS} units: serial, on {WORKERS} threads, on {WORKERS} processes", flush=True)
    # CPUs busy while the threads ran: at most one under the GIL however loaded the machine is (load
    # only lowers it), where a speed-up over serial also moves with load on the serial rounds.
    print(f"@metric threads_parallelism {statistics.median(threads_parallelism):.2f}", flush=True)
    print(f"@metric threads_speedup {serial_median / statistics.median(threads_s):.2f}", flush=True)
    print(f"@metric processes_speedup {serial_median / statistics.median(processes_s):.2f}", flush=True)
