# Seed 001 (joining zombie processes): a child that has finished but was not joined stays a zombie
# in the process table; multiprocessing.active_children() (like join() or is_alive()) reaps it.
# Only fork and spawn: a forkserver child is the server's child, and the server reaps it.
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def state_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def returns():
    pass


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    child = mp.Process(target=returns)
    child.start()
    pid = child.pid  # read once, before anything polls the child
    deadline = time.monotonic() + 5
    while state_of(pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    print(f"finished child not joined is a zombie: {'yes' if state_of(pid) == 'Z' else 'no'}", flush=True)
    print(f"active_children() lists {len(mp.active_children())}", flush=True)
    print(f"after active_children() the zombie is gone: {'yes' if state_of(pid) == 'gone' else 'no'}", flush=True)
    print(f"exitcode {child.exitcode}", flush=True)
