import random

print("same line")
print(f"@metric heads {random.SystemRandom().randrange(2)}")
