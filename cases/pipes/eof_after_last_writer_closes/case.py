# The fix for seed 000's Pipe example: the parent starts the sender, then closes its own copy of
# the sending end before starting the receiver (so a forked receiver does not inherit one either).
# Once the sender closes its copy, no copy is left: the receiver's recv() raises EOFError.
import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def sender(conn):
    for i in range(5):
        conn.send(f"Message {i}")
    conn.close()


def receiver(conn):
    while True:
        try:
            message = conn.recv()
            print(f"received {message}", flush=True)
        except EOFError:
            print("receiver got EOFError", flush=True)
            break


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    parent_conn, child_conn = mp.Pipe()
    p1 = mp.Process(target=sender, args=(child_conn,))
    p2 = mp.Process(target=receiver, args=(parent_conn,))
    p1.start()
    child_conn.close()
    print("parent closed its copy of the sending end", flush=True)
    p2.start()
    p1.join()
    p2.join()
    print(f"sender exitcode {p1.exitcode}", flush=True)
    print(f"receiver exitcode {p2.exitcode}", flush=True)
