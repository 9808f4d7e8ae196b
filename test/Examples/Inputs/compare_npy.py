#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Relative L2 error ||b - a|| / ||a|| between two f32 .npy files."""
import math
import struct
import sys


def load(path):
    raw = open(path, 'rb').read()
    hlen = struct.unpack('<H', raw[8:10])[0]
    n = (len(raw) - 10 - hlen) // 4
    return struct.unpack_from('<%df' % n, raw, 10 + hlen)


a, b = load(sys.argv[1]), load(sys.argv[2])
err = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b))) / math.sqrt(sum(x * x for x in a))
print('%d values, relative error %.4f %s' % (len(a), err, 'below' if err < float(sys.argv[3]) else 'ABOVE'))
