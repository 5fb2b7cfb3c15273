# Seed 000: a logging daemon fed by a Queue. Workers' records go through one Queue to a single
# daemon process that prints them in the order they were put; None tells it to stop. The parent
# joins it (a daemon can be joined) before exiting.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def logger(queue):
    while True:
        record = queue.get()
        if record is None:
            break
        print(f"log: {record}", flush=True)
    print("logger stopped", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    daemon = mp.Process(target=logger, args=(queue,), daemon=True)
    daemon.start()
    for task in range(3):
        queue.put(f"task {task} done")
    queue.put(None)
    daemon.join()
    print(f"logger exitcode {daemon.exitcode}", flush=True)
