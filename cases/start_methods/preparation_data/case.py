import multiprocessing as mp
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def report(parent_authkey, parent_cwd, queue):
    me = mp.current_process()
    queue.put([
        f"child name: {me.name}",
        f"child authkey equals the parent's: {me.authkey == parent_authkey}",
        f"child authkey length: {len(me.authkey)}",
        f"child cwd is the parent's at start(): {os.getcwd() == parent_cwd}",
        f"child start method: {mp.get_start_method()}",
        f"child daemon: {me.daemon}",
    ])


def start_and_report(name, queue):
    child = mp.Process(target=report, args=(mp.current_process().authkey, os.getcwd(), queue), name=name)
    child.start()
    for line in queue.get(timeout=10):
        print(line, flush=True)
    child.join()
    print(f"{name} exitcode {child.exitcode}", flush=True)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    queue = mp.Queue()
    start_and_report("first", queue)
    # The second child starts after the parent changed directory (under forkserver, after the
    # server started in the old one): its cwd must follow the parent's as it is at start().
    with tempfile.TemporaryDirectory() as elsewhere:
        os.chdir(elsewhere)
        start_and_report("second", queue)
        os.chdir("/")
