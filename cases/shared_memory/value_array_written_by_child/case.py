# Seed 001 (Value/Array shared memory), the Python docs' example: a child writes a shared double
# and negates a shared int array; the parent, after join(), sees both changes.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def f(n, a):
    n.value = 3.1415927
    for i in range(len(a)):
        a[i] = -a[i]


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    num = mp.Value("d", 0.0)
    arr = mp.Array("i", range(10))
    p = mp.Process(target=f, args=(num, arr))
    p.start()
    p.join()
    print(f"num.value {num.value}", flush=True)
    print(f"arr {' '.join(str(x) for x in arr[:])}", flush=True)
    print(f"child exitcode {p.exitcode}", flush=True)
