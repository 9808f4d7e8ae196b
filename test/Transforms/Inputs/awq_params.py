#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""awq_params.py DIR: the parameter file and statistics of the AWQ
parameter tests (standard library only). A bf16 norm gain g (8 channels),
two weights wq, wk (4 x 8) reading the normed input, wo (8 x 4); the
input's second moment is diagonal with channel 3 ten times larger in RMS
than the others, the case AWQ's scaling is for."""
import json
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def bf16(v):
    return struct.pack('<f', v)[2:]  # values below are exact in bf16


g = [1.0, 0.5, 2.0, 1.5, 0.75, 1.25, 1.0, 0.5]
wq = [((i * 7 + 3) % 11 - 5) / 8.0 for i in range(32)]
wk = [((i * 5 + 1) % 13 - 6) / 8.0 for i in range(32)]
wo = [((i * 3 + 2) % 7 - 3) / 4.0 for i in range(32)]
tensors = [('g', 'BF16', [8], b''.join(bf16(v) for v in g)),
           ('wq', 'F32', [4, 8], struct.pack('<32f', *wq)),
           ('wk', 'F32', [4, 8], struct.pack('<32f', *wk)),
           ('wo', 'F32', [8, 4], struct.pack('<32f', *wo))]
header, data = {}, b''
for name, dtype, shape, raw in tensors:
    header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [len(data), len(data) + len(raw)]}
    data += raw
text = json.dumps(header).encode()
with open(os.path.join(out, 'awq.safetensors'), 'wb') as f:
    f.write(struct.pack('<Q', len(text)) + text + data)

h = [[0.0] * 8 for _ in range(8)]
for j in range(8):
    h[j][j] = 100.0 if j == 3 else 1.0
moment = {'rows': 8, 'values': [v for row in h for v in row]}
stats = {'format': 'quant-opt-calibration', 'version': 1, 'samples': 16, 'observers': [
    {'name': 'q.input', 'count': 128, 'min': -30.0, 'max': 30.0, 'axis': 1,
     'channel_min': [-30.0 if j == 3 else -3.0 for j in range(8)],
     'channel_max': [30.0 if j == 3 else 3.0 for j in range(8)], 'second_moment': moment},
    {'name': 'o.input', 'count': 64, 'min': -3.0, 'max': 3.0, 'axis': 1,
     'channel_min': [-3.0] * 4, 'channel_max': [3.0] * 4,
     'second_moment': {'rows': 4, 'values': [1.0 if i % 5 == 0 else 0.0 for i in range(16)]}}]}
json.dump(stats, open(os.path.join(out, 'awq-stats.json'), 'w'))
