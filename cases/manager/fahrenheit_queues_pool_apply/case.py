"""Seed 002's Fahrenheit example as written: two manager queues passed to pool.apply.

For each input the parent puts the value on `inputs`, then pool.apply runs to_celsius in a worker,
which takes it from `inputs` and puts the Celsius value on `outputs`. apply waits for the task, so
after the loop all four values are in `outputs`, in input order, and get(block=False) finds them."""
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def to_celsius(input: mp.Queue, output: mp.Queue):
    f = input.get()
    # Time-consuming task ...
    c = (f - 32) * (5 / 9)
    output.put(c)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    pool_manager = mp.Manager()
    with mp.Pool(2) as pool:
        inputs = pool_manager.Queue()
        outputs = pool_manager.Queue()
        input_values = list(range(110, 150, 10))  # [110, 120, 130, 140]
        for i in input_values:
            inputs.put(i)
            pool.apply(to_celsius, (inputs, outputs))
        for f in input_values:
            print(outputs.get(block=False), flush=True)
