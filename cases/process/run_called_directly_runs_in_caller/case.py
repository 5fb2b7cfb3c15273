# Seed 004: calling run() on a Process subclass instead of start() runs it in the calling process,
# synchronously; no process is created (pid and exitcode stay None).
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


class Worker(mp.Process):
    def run(self):
        print(f"run() executes in pid {os.getpid()}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    print(f"caller pid {os.getpid()}", flush=True)
    worker = Worker()
    worker.run()
    print(f"process started: {'no' if worker.pid is None else 'yes'}", flush=True)
    print(f"exitcode set: {'no' if worker.exitcode is None else 'yes'}", flush=True)
    worker.start()
    worker.join()
    print(f"after start() and join(): exitcode {worker.exitcode}", flush=True)
