import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def report():
    print(f"report ran in the parent: {os.getpid() == PARENT}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    PARENT = os.getpid()
    # The mistake: report() is called here, and its result (None) becomes the target.
    child = mp.Process(target=report())
    child.start()
    child.join()
    print(f"child exitcode {child.exitcode}", flush=True)
