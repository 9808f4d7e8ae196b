# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a Laplace(0, 1) sample of 20000 values plus outliers at +-50
(fixed seed) as float32 .npy, for the calibration method tests."""
import math
import random
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Tools/Inputs"))
from npytool import read_values, write_array, write_rows  # noqa: E402

rng = random.Random(1234)
vals = []
for _ in range(20000):
    u = rng.random() - 0.5
    vals.append(-math.copysign(1.0, u) * math.log(1 - 2 * abs(u)))
vals += [50.0, -50.0, 49.0, -49.0]
write_array(sys.argv[1], vals, (len(vals),))
