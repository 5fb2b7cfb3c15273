# Process start + join of a child that does nothing, timed in batches after a warm-up.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


def noop():
    pass


def batches_for(args):
    # A spawn start re-runs the interpreter (~0.1 s here): fewer, single starts; a forkserver
    # start imports the main module again in the child (~10 ms).
    if args.start_method == "spawn":
        return bench.batches_from(args, timed=15, size=1, warmup=1)
    return bench.batches_from(args, timed=20, size=5 if args.start_method == "fork" else 2)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = batches_for(args)
    exitcodes = set()

    def start_join(n):
        for _ in range(n):
            child = mp.Process(target=noop)
            child.start()
            child.join()
            exitcodes.add(child.exitcode)

    print(f"process start+join: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("start_join", "us", start_join)])
    print(f"exitcodes seen: {sorted(exitcodes)}", flush=True)
