"""Writes a Laplace(0, 1) sample of 20000 values plus outliers at +-50
(fixed seed) as float32 .npy, for the calibration method tests."""
import math
import random
import struct
import sys

rng = random.Random(1234)
vals = []
for _ in range(20000):
    u = rng.random() - 0.5
    vals.append(-math.copysign(1.0, u) * math.log(1 - 2 * abs(u)))
vals += [50.0, -50.0, 49.0, -49.0]
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % len(vals)
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%df" % len(vals), *vals))
