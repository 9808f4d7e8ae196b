#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compares the compiled LM's token NLLs (a .npy written by quant-run) with
the PyTorch reference recorded in examples/lm/config.json."""
import json
import math
import struct
import sys

raw = open(sys.argv[1], 'rb').read()
hlen = struct.unpack('<H', raw[8:10])[0]
count = (len(raw) - 10 - hlen) // 4
vals = struct.unpack_from('<%df' % count, raw, 10 + hlen)
cfg = json.load(open(sys.argv[2]))
mean = sum(vals) / count
ref = cfg['reference_mean_nll']
print('%d token NLLs, mean %.6f (perplexity %.4f)' % (count, mean, math.exp(mean)))
ok = abs(mean - ref) <= 1e-4 * abs(ref)
print('%s the PyTorch reference %.6f' % ('matches' if ok else 'DIFFERS FROM', ref))
