#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""mse_ratio.py REF A B: relative output MSE of A and of B against REF (f32
.npy files); 'ok' when A's is below B's by at least 1.5x."""
import sys

import numpy as np

ref, a, b = (np.load(p).astype(np.float64) for p in sys.argv[1:4])
ea = np.mean((a - ref) ** 2) / np.mean(ref ** 2)
eb = np.mean((b - ref) ** 2) / np.mean(ref ** 2)
print('relative MSE %.3g vs %.3g (x%.1f)' % (ea, eb, eb / ea))
print('ok' if ea * 1.5 < eb else 'FAIL')
