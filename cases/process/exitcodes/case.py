# Exit codes: 0 when the target returns, n after sys.exit(n), 1 when the target raises, and
# -SIGTERM (-15) after terminate().
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def returns():
    pass


def exits_3():
    sys.exit(3)


def raises():
    raise ValueError("boom")


def sleeps():
    time.sleep(10)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    for name, target in [("returns", returns), ("sys.exit(3)", exits_3), ("raises ValueError", raises)]:
        child = mp.Process(target=target)
        child.start()
        child.join()
        print(f"{name}: exitcode {child.exitcode}", flush=True)
    child = mp.Process(target=sleeps)
    child.start()
    child.terminate()
    child.join()
    print(f"terminate(): exitcode {child.exitcode}", flush=True)
