import multiprocessing as mp
import sys

PROCESSES = 4
INCREMENTS = 5000


def add_locked(counter):
    for _ in range(INCREMENTS):
        with counter.get_lock():
            counter.value += 1


def add_unlocked(counter):
    for _ in range(INCREMENTS):
        counter.value += 1


def run(target, counter):
    children = [mp.Process(target=target, args=(counter,)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    return counter.value


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    total = PROCESSES * INCREMENTS
    print(f"{PROCESSES} processes x {INCREMENTS} increments of a shared Value('i')", flush=True)
    locked = run(add_locked, mp.Value("i", 0))
    print(f"with get_lock() held: {locked}", flush=True)
    unlocked = run(add_unlocked, mp.Value("i", 0))
    print(f"without it: at most {total}: {'yes' if unlocked <= total else 'no'}", flush=True)
    print(f"@metric lost_updates {total - unlocked}", flush=True)
