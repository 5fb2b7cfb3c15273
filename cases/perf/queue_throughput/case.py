# Small-item Queue throughput: a child puts a batch of ints on a Queue when asked, the parent gets them.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import bench  # cases/support/bench.py
import case_args  # cases/support/case_args.py


def produce(requests, queue):
    # Each request is a count; 0 ends the producer.
    for count in iter(requests.recv, 0):
        for i in range(count):
            queue.put(i)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    batches = bench.batches_from(args, timed=20, size=2000)
    requests, request_end = mp.Pipe()
    queue = mp.Queue()
    child = mp.Process(target=produce, args=(request_end, queue))
    child.start()
    received = 0
    total = 0

    def transfer(n):
        global received, total
        requests.send(n)
        for _ in range(n):
            total += queue.get()
        received += n

    print(f"small items through a Queue: {batches.timed} batches of {batches.size}", flush=True)
    bench.run_batches(batches, [bench.Series("items", "items/s", transfer)])
    requests.send(0)
    child.join()
    print(f"items received: {received}, their sum: {total}", flush=True)
    print(f"producer exitcode {child.exitcode}", flush=True)
