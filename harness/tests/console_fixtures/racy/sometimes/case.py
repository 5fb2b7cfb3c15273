import os
import sys

# A random draw each run, about a third of them failing. (Not the pid: each run has its own PID
# namespace, where the program's pid is always the same.)
failing = os.urandom(1)[0] % 3 == 0
print("draw", "bad" if failing else "good")
sys.exit(1 if failing else 0)
