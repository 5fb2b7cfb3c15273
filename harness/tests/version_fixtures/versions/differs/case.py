import sys

print(f"result {[i * i for i in range(4)]}")
print(f"at least 3.12: {sys.version_info >= (3, 12)}")
