#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""check_smooth.py IN OUT STATS ALPHA: for the SmoothQuant parameter test,
recomputes SmoothQuant's factors from the statistics and the weights of IN
(numpy), and checks the gain and int8 weights stored in OUT."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_awq import load  # noqa: E402


def bf16(x):
    """Round-to-nearest-even float32 -> bfloat16, as float32."""
    b = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16 << 16
    return b.astype(np.uint32).view(np.float32)


src, dst = load(sys.argv[1]), load(sys.argv[2])
obs = {o['name']: o for o in json.load(open(sys.argv[3]))['observers']}['q.input']
alpha = float(sys.argv[4])
x_max = np.maximum(-np.array(obs['channel_min']), np.array(obs['channel_max']))
w_max = np.maximum(np.abs(src['wq']).max(0), np.abs(src['wk']).max(0)).astype(np.float64)
s = np.clip(x_max ** alpha / w_max ** (1 - alpha), 1e-5, 1e5)
g, g2 = src['g'].astype(np.float64), dst['g'].astype(np.float64)
ok = np.array_equal(bf16(g / s), g2)
print('gain:', 'bf16(g / s) for every channel' if ok else 'MISMATCH %s vs %s' % (bf16(g / s), g2))
for name in ['wq', 'wk']:
    target = src[name].astype(np.float64) * (g / g2)
    deq = dst[name + '.qweight'].astype(np.float64) * dst[name + '.scales'][:, None]
    err = np.abs(deq - target).max() / np.abs(target).max()
    print("%s: max |deq(W') - W g/g'| / max |W g/g'| = %.4f" % (name, err))
