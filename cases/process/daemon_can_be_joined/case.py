# Seed 000 says a daemon process cannot be joined; it can. join() waits for a daemon child like any
# other; daemon only means the child is terminated when the parent exits without joining it.
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def work(queue):
    time.sleep(0.1)
    queue.put("daemon finished its work")


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    child = mp.Process(target=work, args=(queue,), daemon=True)
    child.start()
    print(f"daemon: {'yes' if child.daemon else 'no'}", flush=True)
    print(queue.get(), flush=True)
    child.join()
    print("join returned", flush=True)
    print(f"alive after join: {'yes' if child.is_alive() else 'no'}", flush=True)
    print(f"exitcode {child.exitcode}", flush=True)
