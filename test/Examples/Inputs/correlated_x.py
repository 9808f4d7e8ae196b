#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""correlated_x.py OUT.npy ROWS COLS SEED: inputs from 16 latent factors
plus a little noise (correlated features, as real activations have)."""
import sys

import numpy as np

out, rows, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = np.random.default_rng(seed)
mix = np.random.default_rng(0).standard_normal((16, cols))
np.save(out, (r.standard_normal((rows, 16)) @ mix + 0.1 * r.standard_normal((rows, cols))).astype(np.float32))
