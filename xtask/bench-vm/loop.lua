-- A counting loop of 10 000 000 iterations (the same computation as loop.asm).
local i, n = 0, 10000000
repeat i = i + 1 until not (i < n)
print(i)
