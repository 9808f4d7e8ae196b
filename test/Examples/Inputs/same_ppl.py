#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""same_ppl.py A.txt B.txt [TOL]: the 'perplexity X' numbers in two outputs
agree to TOL (relative, default 1e-4)."""
import re
import sys

a, b = (float(re.search(r'perplexity ([0-9.]+)', open(p).read()).group(1)) for p in sys.argv[1:3])
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
print('perplexity %.4f vs %.4f: %s' % (a, b, 'same' if abs(a - b) <= tol * b else 'DIFFERENT'))
