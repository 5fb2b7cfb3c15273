# Seed 004: when the main program ends, its daemon children are terminated, while its non-daemon
# children are joined. Main returns without joining either: the daemon (sleeping 10 s) is
# terminated at once; the non-daemon child, released by a message sent just before main returns,
# prints its line during the exit-time join, and the program exits 0 well before 10 s.
# (A Pipe, not an Event, releases the child: CPython's exit sequence unlinks an Event's semaphore
# before joining children, so a spawned child that has not opened it yet would fail.)
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def sleep_long():
    time.sleep(10)
    print("daemon woke up", flush=True)


def wait_then_report(reader):
    if reader.poll(10) and reader.recv() == "go":
        print("non-daemon child ran to completion after main returned", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    reader, writer = mp.Pipe(duplex=False)
    daemon = mp.Process(target=sleep_long, daemon=True)
    worker = mp.Process(target=wait_then_report, args=(reader,))
    daemon.start()
    worker.start()
    print("main returns without joining its children", flush=True)
    writer.send("go")
