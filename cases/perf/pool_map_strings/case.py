# Pool.map per item: identity over 1 KiB strings on Pool(2), the default chunksize.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py

ITEM_BYTES = 1024


def identity(x):
    return x


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=4000)
    # Item i: i in 8 digits, then dots up to 1 KiB (ASCII: 1024 bytes in either language).
    items = [f"{i:08d}".ljust(ITEM_BYTES, ".") for i in range(batches.size)]
    wrong_maps = 0
    with mp.Pool(2) as pool:
        pool.map(identity, items[:2])  # the workers are up

        def map_batch(n):
            global wrong_maps
            if pool.map(identity, items) != items:
                wrong_maps += 1

        print(f"Pool(2).map over 1 KiB strings: {batches.timed} batches of {batches.size} items", flush=True)
        bench.run_batches(batches, [bench.Series("map_per_item", "ns", map_batch)])
    print(f"maps whose results differ from their input: {wrong_maps}", flush=True)
