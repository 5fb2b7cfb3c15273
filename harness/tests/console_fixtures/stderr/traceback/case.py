import sys

print("started")
for line in range(1, 31):
    print(f"stderr line {line}", file=sys.stderr)
sys.exit(1)
