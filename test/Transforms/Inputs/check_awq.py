#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""check_awq.py IN OUT: for the AWQ parameter test, reads the gain g and
weights of IN and the stored gain g' and int4 codes/scales (groups of 4) of
OUT, and prints how far g' * dequant(W') is from g * W per weight (numpy)."""
import json
import struct
import sys

import numpy as np


def load(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        b, e = info['data_offsets']
        data = raw[8 + n + b:8 + n + e]
        if info['dtype'] == 'BF16':
            bits = np.frombuffer(data, dtype=np.uint16).astype(np.uint32) << 16
            out[name] = bits.view(np.float32).reshape(info['shape'])
        else:
            dt = {'F32': np.float32, 'U8': np.uint8, 'I8': np.int8}[info['dtype']]
            out[name] = np.frombuffer(data, dtype=dt).reshape(info['shape'])
    return out


def main():
    src, dst = load(sys.argv[1]), load(sys.argv[2])
    g, g2 = src['g'].astype(np.float64), dst['g'].astype(np.float64)
    print('gain changed:', 'yes' if np.any(g != g2) else 'no')
    for name in ['wq', 'wk']:
        w = src[name].astype(np.float64)
        packed = dst[name + '.qweight']
        codes = np.stack([packed & 0xF, packed >> 4], axis=-1).reshape(w.shape).astype(np.int64)
        codes = np.where(codes >= 8, codes - 16, codes)
        scales = np.repeat(dst[name + '.scales'].astype(np.float64), 4, axis=1)
        deq = codes * scales
        err = np.abs(deq * g2 - w * g).max() / np.abs(w * g).max()
        print('%s: max |g\' Wq\' - g W| / max |g W| = %.4f' % (name, err))


if __name__ == '__main__':
    main()
