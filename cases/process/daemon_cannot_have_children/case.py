# Seed 004: a daemon process may not create child processes. start() inside a daemon raises
# AssertionError before anything is started; the daemon itself goes on and exits 0.
import multiprocessing as mp
import sys


def grandchild():
    pass


def daemon_main(queue):
    try:
        mp.Process(target=grandchild).start()
        queue.put("daemon started a child")
    except AssertionError as e:
        queue.put(f"daemon's start() raised {type(e).__name__}: {e}")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    queue = mp.Queue()
    child = mp.Process(target=daemon_main, args=(queue,), daemon=True)
    child.start()
    print(queue.get(), flush=True)
    child.join()
    print(f"daemon exitcode {child.exitcode}", flush=True)
