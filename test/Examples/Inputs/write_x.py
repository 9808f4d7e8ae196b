#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a ROWS x COLS f32 .npy of standard normal values (seed 1)."""
import random
import struct
import sys

path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(1)
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
header += ' ' * (63 - (len(header) + 10) % 64) + '\n'
with open(path, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode())
    f.write(struct.pack('<%df' % (rows * cols), *[rng.gauss(0, 1) for _ in range(rows * cols)]))
