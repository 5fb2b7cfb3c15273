# Seed 000's Pipe example as written: the parent keeps both ends of the Pipe open while a sender
# child sends five messages and closes its copy, and a receiver child loops on recv() until
# EOFError. EOFError needs every copy of the sending end closed; the parent's (and, under fork, the
# receiver's own inherited copy) stays open, so the receiver waits forever and so does the parent.
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
    print("parent keeps both ends of the pipe open", flush=True)
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print("receiver joined", flush=True)
