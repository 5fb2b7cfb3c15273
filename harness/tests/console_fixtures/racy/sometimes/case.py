import os
import sys

# The low bits of the pid: a different draw each run, a third of them failing.
failing = os.getpid() % 3 == 0
print("draw", "bad" if failing else "good")
sys.exit(1 if failing else 0)
