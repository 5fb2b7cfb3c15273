import multiprocessing as mp
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
import case_args  # cases/support/case_args.py

# Module-level code: runs in every process that imports this module as a program.
print("module code runs", flush=True)

# The missing `if __name__ == "__main__":` guard, once the parent asks for it: a child that
# re-runs this code starts a process while it is still bootstrapping.
if os.environ.get("CASE_START_AT_IMPORT") and __name__ != "__main__":
    try:
        mp.Process(target=print, args=("never",)).start()
    except RuntimeError as e:
        print("RuntimeError: " + " ".join(str(e).split()), flush=True)
        raise


def work(tag):
    print(f"child {tag} runs its target", flush=True)


if __name__ == "__main__":
    args = case_args.parse()
    mp.set_start_method(args.start_method)
    for tag in (1, 2):
        p = mp.Process(target=work, args=(tag,))
        p.start()
        p.join()
        print(f"child {tag} exitcode {p.exitcode}", flush=True)
    os.environ["CASE_START_AT_IMPORT"] = "1"
    p = mp.Process(target=work, args=(3,))
    p.start()
    p.join()
    print(f"child 3 exitcode {p.exitcode}", flush=True)
