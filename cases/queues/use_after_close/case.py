# Seed 000 (Queue close()/join_thread()): after close() a queue refuses put() and get() with
# ValueError "Queue <...> is closed"; join_thread() is only allowed after close() (AssertionError
# "Queue <...> not closed" before), and then waits for the feeder to flush the item put earlier.
import multiprocessing as mp
import sys


def attempt(label, action):
    try:
        action()
        print(f"{label}: ok", flush=True)
    except (ValueError, AssertionError) as e:
        print(f"{label}: {type(e).__name__}: {e}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    queue = mp.Queue()
    attempt("join_thread() before close()", queue.join_thread)
    queue.put("item")
    queue.close()
    attempt("put() after close()", lambda: queue.put("late"))
    attempt("get() after close()", queue.get)
    attempt("join_thread() after close()", queue.join_thread)
