import atexit
import time

if __name__ == "__main__":
    # Registered before multiprocessing is imported, so it runs after multiprocessing's own exit
    # handler (atexit runs handlers last-registered first).
    atexit.register(lambda: print(f"at exit: child exitcode {CHILD.exitcode}", flush=True))

import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def work():
    time.sleep(0.3)
    print("child: done", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    CHILD = mp.Process(target=work)
    CHILD.start()
    print("parent: last line of the program, no join()", flush=True)
