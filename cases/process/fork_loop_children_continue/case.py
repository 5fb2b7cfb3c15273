import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

NUMBER = 3


def celsius(fahrenheit):
    return (fahrenheit - 32) * 5.0 / 9.0


def say(line):
    # One write(2) per line, as C's line-buffered printf: eight processes share the pipe, and
    # print() may write the text and its newline separately.
    os.write(1, f"{line}\n".encode())


if __name__ == "__main__":
    case_args.parse()
    children = []
    for i in range(1, NUMBER + 1):
        fahrenheit = 100.0 + i * 10
        if os.fork() == 0:
            children = []  # a forked child waits only for the children it forks itself
            say(f"{fahrenheit:f} F is {celsius(fahrenheit):f} C")
            # No exit here: as in seed 002's C program, the child goes on with the loop.
        else:
            children.append(None)
    say(f"Spawned {NUMBER} processes")
    for _ in children:
        os.wait()
