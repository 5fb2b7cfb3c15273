"""Seed 002's pipe shared by pool workers, guarded by a manager Lock: as the note writes it, then
corrected.

The note's worker takes the lock with acquire(blocking=False) and releases it unconditionally in a
`finally`. A non-blocking acquire that fails still goes on to recv() (unguarded), and its release()
frees the lock another worker holds; that worker's own release() then raises 'RuntimeError:
release unlocked lock' (a manager Lock is a threading.Lock in the server), after its recv, so its
Celsius value is never sent. How often depends on timing: each run repeats the four-value round
and reports the counts as metrics. The corrected worker holds the lock with a blocking acquire
(`with lock:`) around recv and around send: every round returns all four values exactly once.

The note passes child_pipe to apply_async; CPython pickles a Connection through its resource
sharer, which mp does not reproduce (docs/design-changes.md), so both programs hand the pipe to
the workers through the pool initializer (inheritance) instead; the tasks still share one pipe."""
import multiprocessing as mp
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

FAHRENHEIT = (110, 120, 130, 140)
CELSIUS = sorted((f - 32) * (5 / 9) for f in FAHRENHEIT)
RELEASE_ERROR = "RuntimeError: release unlocked lock"

worker_pipe = None


def take_pipe(pipe):
    global worker_pipe
    worker_pipe = pipe


def to_celsius_as_noted(child_lock):
    child_lock.acquire(blocking=False)
    try:
        f = worker_pipe.recv()
    finally:
        child_lock.release()
    c = (f - 32) * (5 / 9)
    child_lock.acquire(blocking=False)
    try:
        worker_pipe.send(c)
    finally:
        child_lock.release()


def to_celsius_corrected(child_lock):
    with child_lock:
        f = worker_pipe.recv()
    c = (f - 32) * (5 / 9)
    with child_lock:
        worker_pipe.send(c)


def run_rounds(manager, task, rounds):
    """Counts of rounds: with a release error, with a reply lost, with another failure, clean."""
    counts = {"release_error": 0, "reply_lost": 0, "other_failure": 0, "clean": 0}
    pool = None
    try:
        for _ in range(rounds):
            if pool is None:
                parent_pipe, child_pipe = mp.Pipe()
                pool = mp.Pool(2, initializer=take_pipe, initargs=(child_pipe,))
            child_lock = manager.Lock()
            results = []
            for f in FAHRENHEIT:
                parent_pipe.send(f)
                results.append(pool.apply_async(task, (child_lock,)))
            deadline = time.monotonic() + 5
            errors, hung = [], 0
            for result in results:
                try:
                    result.get(timeout=max(0.0, deadline - time.monotonic()))
                except mp.TimeoutError:
                    hung += 1
                except Exception as e:
                    errors.append(f"{type(e).__name__}: {e}")
            received = []
            while parent_pipe.poll(0):
                received.append(parent_pipe.recv())
            counts["release_error"] += RELEASE_ERROR in errors
            counts["reply_lost"] += len(received) < len(FAHRENHEIT)
            counts["other_failure"] += hung > 0 or any(e != RELEASE_ERROR for e in errors)
            counts["clean"] += not errors and not hung and sorted(received) == CELSIUS
            if hung:  # a worker stuck in a recv that lost its framing: start afresh
                pool.terminate()
                pool.join()
                pool = None
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return counts


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    rounds = args.int_param("rounds", 20)
    with mp.Manager() as manager:
        lock = manager.Lock()
        print(f"mechanism: first acquire(blocking=False) acquired: {'yes' if lock.acquire(blocking=False) else 'no'}", flush=True)
        print(f"mechanism: second acquire(blocking=False) acquired: {'yes' if lock.acquire(blocking=False) else 'no'}", flush=True)
        lock.release()
        print("mechanism: the second's release() freed the first's lock", flush=True)
        try:
            lock.release()
            print("mechanism: the first's release() returned", flush=True)
        except Exception as e:
            print(f"mechanism: the first's release() raised {type(e).__name__}: {e}", flush=True)

        noted = run_rounds(manager, to_celsius_as_noted, rounds)
        print(f"as noted: {rounds} rounds of 4 tasks on Pool(2)", flush=True)
        for name, count in noted.items():
            print(f"@metric noted_rounds_{name} {count}", flush=True)

        corrected = run_rounds(manager, to_celsius_corrected, rounds)
        print(f"corrected: {corrected['clean']} of {rounds} rounds received all four values exactly once", flush=True)
        print(f"@metric corrected_failed_rounds {rounds - corrected['clean']}", flush=True)
