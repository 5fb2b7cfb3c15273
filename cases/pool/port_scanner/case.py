import multiprocessing as mp
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

HOST = "127.0.0.1"
TIMEOUT = 1.0
PORTS = 20
LISTENING = (3, 11, 17)  # positions in the scanned range that accept connections


def check_port(host, port, results):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        if sock.connect_ex((host, port)) == 0:
            results.put(port)


if __name__ == "__main__":
    mp.set_start_method(case_args.parse().start_method)
    # 20 ports of our own: each socket stays bound for the whole scan, so no other program can take
    # the port; only the LISTENING ones accept, the others refuse.
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(PORTS)]
    for position, sock in enumerate(sockets):
        sock.bind((HOST, 0))
        if position in LISTENING:
            sock.listen(PORTS)
    scan = [sock.getsockname()[1] for sock in sockets]
    manager = mp.Manager()
    with mp.Pool(PORTS) as pool:
        outputs = manager.Queue()
        tasks = [pool.apply_async(check_port, (HOST, port, outputs)) for port in scan]
        for task in tasks:
            task.get(timeout=10)
        found = []
        while not outputs.empty():
            found.append(scan.index(outputs.get()))
    for position in sorted(found):
        print(f"Port at position {position} is open.", flush=True)
    print(f"{PORTS} ports scanned by Pool({PORTS}); the open ones are exactly the listening ones: "
          f"{sorted(found) == list(LISTENING)}", flush=True)
    manager.shutdown()
    for sock in sockets:
        sock.close()
