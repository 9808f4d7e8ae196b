#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a 1 x N f32 .npy of [1, 2, ..., N]."""
import struct
import sys

path, n = sys.argv[1], int(sys.argv[2])
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }" % n
header += ' ' * (63 - (len(header) + 10) % 64) + '\n'
with open(path, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode())
    f.write(struct.pack('<%df' % n, *[float(i + 1) for i in range(n)]))
