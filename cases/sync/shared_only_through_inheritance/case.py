import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def use(lock, counter):
    with lock:
        counter.value += 1


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    objects = [
        ("Lock", mp.Lock()),
        ("RLock", mp.RLock()),
        ("Semaphore", mp.Semaphore(2)),
        ("BoundedSemaphore", mp.BoundedSemaphore(2)),
        ("Condition", mp.Condition()),
        ("Event", mp.Event()),
        ("Barrier", mp.Barrier(2)),
        ("Value", mp.Value("i", 0)),
        ("Array", mp.Array("i", 3)),
        ("RawValue", mp.RawValue("i", 0)),
        ("RawArray", mp.RawArray("i", 3)),
    ]
    sender, receiver = mp.Pipe()
    for name, obj in objects:
        try:
            sender.send(obj)
            print(f"{name} through a pipe: sent", flush=True)
        except Exception as e:
            print(f"{name} through a pipe: {type(e).__name__}: {e}", flush=True)
    print(f"anything arrived: {'yes' if receiver.poll(0.1) else 'no'}", flush=True)
    lock = mp.Lock()
    counter = mp.Value("i", 0)
    child = mp.Process(target=use, args=(lock, counter))
    child.start()
    child.join()
    print(f"as Process arguments: child exitcode {child.exitcode}, counter {counter.value}", flush=True)
