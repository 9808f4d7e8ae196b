#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Checks a safetensors file's size against its header: prints the header
length, the bytes of tensor data the header declares and whether the file
is exactly 8 + header + data bytes. With --linear N,K[,N,K...] --bits B
--group G also prints the bytes B-bit codes with one f32 scale per G
weights need for those matrices."""
import argparse
import json
import os
import struct

ap = argparse.ArgumentParser()
ap.add_argument('file')
ap.add_argument('--linear', default='')
ap.add_argument('--bits', type=int, default=4)
ap.add_argument('--group', type=int, default=128)
a = ap.parse_args()
raw = open(a.file, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = sum(e['data_offsets'][1] - e['data_offsets'][0] for k, e in header.items() if k != '__metadata__')
print('header %d bytes, data %d bytes, file %s' % (
    n, data, 'exact' if len(raw) == 8 + n + data else 'MISMATCH (%d bytes)' % len(raw)))
if a.linear:
    dims = [int(x) for x in a.linear.split(',')]
    packed = sum(dims[i] * dims[i + 1] * a.bits // 8 + dims[i] * dims[i + 1] // a.group * 4
                 for i in range(0, len(dims), 2))
    weights = sum(dims[i] * dims[i + 1] for i in range(0, len(dims), 2))
    print('linear layers: %d bytes, %.3f bits/weight' % (packed, packed * 8.0 / weights))
