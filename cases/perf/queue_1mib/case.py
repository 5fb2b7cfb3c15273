# 1 MiB items through a Queue: a child puts a batch of fresh 1 MiB bytes objects when asked, the
# parent gets them.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py

ITEM_BYTES = 1 << 20
FILLER = bytes(ITEM_BYTES - 1)


def produce(requests, queue):
    # Each request is a count; 0 ends the producer. Item i starts with the byte i % 256.
    sent = 0
    for count in iter(requests.recv, 0):
        for _ in range(count):
            queue.put(bytes([sent % 256]) + FILLER)
            sent += 1


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=8)
    requests, request_end = mp.Pipe()
    queue = mp.Queue()
    child = mp.Process(target=produce, args=(request_end, queue))
    child.start()
    received = 0
    damaged = 0

    def transfer(n):
        global received, damaged
        requests.send(n)
        for _ in range(n):
            item = queue.get()
            if len(item) != ITEM_BYTES or item[0] != received % 256:
                damaged += 1
            received += 1

    print(f"1 MiB items through a Queue: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("bytes", "B/s", transfer, ITEM_BYTES)])
    requests.send(0)
    child.join()
    print(f"items received: {received}, damaged or out of order: {damaged}", flush=True)
    print(f"producer exitcode {child.exitcode}", flush=True)
