"""A queue created at module level and used by a child as a global: works only under fork.

q = ctx.Queue() runs at import. Under fork the child is a copy of the parent and puts into the
parent's queue: the parent's get() returns the item. Under spawn and forkserver the child
re-imports the main module, which creates a new, unrelated queue; the child puts into that one
and exits normally, and the parent's get() never returns (the expected outcome there is a hang).
Seed 001 says multiprocessing switches to fork by itself when a module-level global is used by a
child; it does not: the start method is whatever was set (or the platform default), never chosen
from the code. What a module-level mp.Queue() does do is fix the default context at import, so a
later mp.set_start_method() raises "RuntimeError: context has already been set"; this program
therefore takes its context from the command line at import (spawned children see the parent's
sys.argv) and creates the queue from it."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


ctx = mp.get_context(case_args.parse().start_method)
q = ctx.Queue()


def f():
    q.put("hello from the child")


def main():
    p = ctx.Process(target=f)
    p.start()
    print("parent waits on the module-level queue", flush=True)
    print("parent got:", q.get(), flush=True)  # never returns under spawn and forkserver
    p.join()
    print(f"child exitcode {p.exitcode}", flush=True)


if __name__ == "__main__":
    main()
