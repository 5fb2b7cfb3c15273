print("@metric lost_updates 0")
