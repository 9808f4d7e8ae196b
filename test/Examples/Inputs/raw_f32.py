#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""raw_f32.py IN.npy OUT.f32 writes an f32 .npy's values as raw little-endian
f32; raw_f32.py --to-npy IN.f32 OUT.npy ROWS COLS the other way."""
import struct
import sys

if sys.argv[1] == '--to-npy':
    src, dst, rows, cols = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    body = open(src, 'rb').read()
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    header += ' ' * (63 - (len(header) + 10) % 64) + '\n'
    open(dst, 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode() + body)
else:
    raw = open(sys.argv[1], 'rb').read()
    hlen = struct.unpack('<H', raw[8:10])[0]
    open(sys.argv[2], 'wb').write(raw[10 + hlen:])
