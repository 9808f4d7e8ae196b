#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a .npy file: write_npy.py [--shape=A,B] OUT DESCR v1 v2 ...
(1-D unless --shape is given); DESCR is a
numpy descr (<f4, <f8, |u1, ...) or <V2 for bfloat16 (the values' upper
16 bits, rounded to nearest even: ml_dtypes' bfloat16 saved by numpy)."""
import struct
import sys

args = sys.argv[1:]
shape = None
if args[0].startswith('--shape='):
    shape = tuple(int(d) for d in args.pop(0)[len('--shape='):].split(','))
path, descr, vals = args[0], args[1], [float(v) for v in args[2:]]
shape = shape or (len(vals),)
if descr == '<V2':
    words = []
    for v in vals:
        b = struct.unpack('<I', struct.pack('<f', v))[0]
        b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
        words.append(b)
    body = struct.pack('<%dH' % len(words), *words)
else:
    fmt = {'<f4': 'f', '<f8': 'd', '|u1': 'B', '|i1': 'b'}[descr]
    body = struct.pack('<%d%s' % (len(vals), fmt), *[int(v) if fmt in 'bB' else v for v in vals])
header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, repr(shape))
header += ' ' * (63 - (len(header) + 10) % 64) + '\n'
with open(path, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode() + body)
