print("same line")
print("@metric visible 0")
