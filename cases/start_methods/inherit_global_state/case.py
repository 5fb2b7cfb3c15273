"""What a child sees of a global and of a class attribute that main set before starting it.

x is a module global and A.y a class attribute, both 0 at import; main sets both to 1, then
starts f (reads them as globals) and g(x, A) (gets them as arguments). Under fork the child is a
copy of the parent: f and g see 1 and 1. Under spawn and forkserver the child re-imports the main
module, so globals and class attributes start from their initial values: f sees 0 and 0. g's x
was pickled by value and arrives as 1, but A is pickled by reference (its name), so A.y is read
from the child's re-imported class: 0. (Seed 001's comment "really, not even args are inherited?"
is about exactly this: arguments travel by value, class state does not travel.)"""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

x = 0


class A:
    y = 0


def f():
    print(f"f (reads the globals) sees x = {x}, A.y = {A.y}", flush=True)


def g(x, A):
    print(f"g (x and A passed as arguments) sees x = {x}, A.y = {A.y}", flush=True)


def main():
    global x
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    x = 1
    A.y = 1
    print(f"main sets x = {x}, A.y = {A.y}", flush=True)
    p = mp.Process(target=f)
    p.start()
    p.join()
    q = mp.Process(target=g, args=(x, A))
    q.start()
    q.join()
    print(f"exitcodes {p.exitcode} {q.exitcode}", flush=True)


if __name__ == "__main__":
    main()
