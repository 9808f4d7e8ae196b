#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""llama_inputs.py DIR L KVD S: writes the inputs of the Llama decoder test:
prefill tokens (4), decode tokens (2), start positions and an empty KV
cache (L x 2 x S x KVD, f32).
llama_inputs.py check OURS.npy REF.npy ROW: relative max error of OURS
(rows) against REF's rows from ROW on."""
import sys

import numpy as np

if sys.argv[1] == 'check':
    ours, ref, row = np.load(sys.argv[2]), np.load(sys.argv[3]), int(sys.argv[4])
    ref = ref[row:row + ours.shape[0]]
    err = np.abs(ours - ref).max() / np.abs(ref).max()
    print('%d x %d logits, relative error %.2g %s' % (ours.shape[0], ours.shape[1], err,
                                                     'below' if err < 1e-4 else 'ABOVE'))
else:
    d, L, kvd, S = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    np.save(d + '/prefill_tokens.npy', np.array([5, 17, 300, 42], dtype=np.int64))
    np.save(d + '/decode_token_4.npy', np.array([7], dtype=np.int64))
    np.save(d + '/decode_token_5.npy', np.array([99], dtype=np.int64))
    for p in (0, 4, 5):
        np.save(d + '/start_%d.npy' % p, np.array([p], dtype=np.int64))
    np.save(d + '/cache.npy', np.zeros((L, 2, S, kvd), dtype=np.float32))
