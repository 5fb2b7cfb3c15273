# CPython's side of runtime/bench/queue_bench.cpp's small-item throughput, for the ratio measured in
# the same minute:
#   python3 runtime/bench/queue_bench.py [ITEMS]
# A fork producer puts ITEMS ints (default 200000) on a Queue, this process gets them all; the
# median of 5 rounds, as BM_Queue_Throughput_SmallItems measures mp (items/s).
import multiprocessing as mp
import statistics
import sys
import time


def produce(q, count):
    for i in range(count):
        q.put(i)


def one_round(count):
    q = mp.Queue()
    producer = mp.Process(target=produce, args=(q, count))
    start = time.perf_counter()
    producer.start()
    total = 0
    for _ in range(count):
        total += q.get()
    elapsed = time.perf_counter() - start
    producer.join()
    assert total == count * (count - 1) // 2
    return count / elapsed


if __name__ == "__main__":
    mp.set_start_method("fork")
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    rates = [one_round(items) for _ in range(5)]
    print(f"Queue small-item throughput: {statistics.median(rates) / 1e3:.1f}k items/s "
          f"(median of 5 rounds of {items}; rounds {', '.join(f'{r / 1e3:.0f}k' for r in rates)})")
