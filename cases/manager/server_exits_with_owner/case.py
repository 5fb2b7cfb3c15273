"""A manager's owner is SIGKILLed: does its server process go too, and what does it leave?

A child process (the owner) starts a Manager, reports the server's pid and socket address, and
sleeps. The parent SIGKILLs the owner, then watches the server for one second. CPython's server
has nothing watching its owner: it keeps running, listening on its socket in its /tmp/pymp-*
directory. This program then kills the server itself and removes the directory, so nothing
outlives the run (nor the directory of the forkserver a forkserver-started owner made)."""
import multiprocessing as mp
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py


def own_manager(report):
    manager = mp.Manager()
    # The owner's own temporary directory, if it made one (under forkserver it started a forkserver
    # of its own there): the SIGKILL stops its finalizer from removing it, so the parent does.
    owner_tempdir = mp.process.current_process()._config.get("tempdir")
    report.send((manager._process.pid, manager.address, owner_tempdir))
    time.sleep(60)


def gone(pid):
    """No such process, or a zombie nobody reaped yet."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    reader, writer = mp.Pipe(duplex=False)
    owner = mp.Process(target=own_manager, args=(writer,))
    owner.start()
    server_pid, address, owner_tempdir = reader.recv()
    directory = os.path.dirname(address)
    print(f"server running before the kill: {'no' if gone(server_pid) else 'yes'}", flush=True)
    owner.kill()
    owner.join()
    print(f"owner exitcode {owner.exitcode}", flush=True)
    deadline = time.monotonic() + 1.0
    while not gone(server_pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    server_gone = gone(server_pid)
    left = [path for path in (address, directory) if os.path.exists(path)]
    print(f"server gone within 1 s: {'yes' if server_gone else 'no'}", flush=True)
    print(f"left behind: {' '.join('socket' if p == address else 'directory' for p in left) or 'nothing'}", flush=True)
    print(f"@metric server_gone_within_1s {int(server_gone)}", flush=True)
    print(f"@metric paths_left {len(left)}", flush=True)
    if not server_gone:
        os.kill(server_pid, signal.SIGKILL)
        while not gone(server_pid):
            time.sleep(0.01)
    shutil.rmtree(directory, ignore_errors=True)
    if owner_tempdir:
        shutil.rmtree(owner_tempdir, ignore_errors=True)
