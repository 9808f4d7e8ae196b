# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks the ranges quant-calibrate --print-scales chose for the Laplace
sample against what each method's definition predicts."""
import math
import re
import sys

ranges = {}
for line in open(sys.argv[1]):
    m = re.match(r"act (\w+): range \[(\S+), (\S+)\] scale (\S+) zero_point (\S+)", line)
    if m:
        ranges[m.group(1)] = (float(m.group(2)), float(m.group(3)), float(m.group(4)))


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what + " " + repr(ranges))
    print("ok:", what)


lo, hi, scale = ranges["minmax"]
# min-max keeps the outliers: the threshold is the largest |x| = 50.
check(hi == 50.0 and lo == -50.0 and abs(scale - 50.0 / 7) < 1e-6, "minmax keeps the outliers")
# The 99th percentile of |x| for Laplace(0, 1) is ln(100) = 4.605; with
# 20004 samples the empirical value lies well within 10% of it.
_, t, _ = ranges["percentile"]
check(abs(t - math.log(100)) < 0.1 * math.log(100), "percentile 99 at ln(100)")
# MSE on a 15-level grid: clipping error of the Laplace tail (N e^-t) plus
# the outliers (4 at ~50) against rounding noise N (t/7)^2 / 12 balances
# near t = 6; it must clip far below the outliers.
_, t, _ = ranges["mse"]
check(4.0 < t < 8.0, "mse clips near 6")
# Entropy clips the outliers too, but keeps the bulk (beyond the 99th
# percentile of |x|).
_, t, _ = ranges["entropy"]
check(math.log(100) < t < 25.0, "entropy clips the outliers")
