import sys

print(f"result {[i * i for i in range(4)]}")
print("new" if sys.version_info >= (3, 12) else "old")
