# Seed 000 says a daemon process cannot be joined; it can. join() waits for a daemon child like any
# other; daemon only means the child is terminated when the parent exits without joining it.
import multiprocessing as mp
import sys
import time


def work(queue):
    time.sleep(0.1)
    queue.put("daemon finished its work")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    queue = mp.Queue()
    child = mp.Process(target=work, args=(queue,), daemon=True)
    child.start()
    print(f"daemon: {'yes' if child.daemon else 'no'}", flush=True)
    print(queue.get(), flush=True)
    child.join()
    print("join returned", flush=True)
    print(f"alive after join: {'yes' if child.is_alive() else 'no'}", flush=True)
    print(f"exitcode {child.exitcode}", flush=True)
