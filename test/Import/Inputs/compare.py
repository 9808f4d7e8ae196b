# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Compares what quant-run wrote with reference outputs (for lit tests).

  compare.py REF_PREFIX OUT_PREFIX [--max-rel R]

For every REF_PREFIX.refN.npy, reads OUT_PREFIX.N.npy and prints one line:
"output N: DTYPE SHAPE max relative error E (limit R)" or exits 1 saying
what differs (dtype, shape, or an error above R). The relative error is
max |out - ref| / max |ref|; R = 0 asks for identical arrays.
"""
import argparse
import glob
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ref')
    ap.add_argument('out')
    ap.add_argument('--max-rel', type=float, default=0.0)
    args = ap.parse_args()
    refs = sorted(glob.glob(args.ref + '.ref*.npy'))
    if not refs:
        sys.exit(f'no reference {args.ref}.refN.npy')
    for path in refs:
        n = path[len(args.ref) + 4:-4]
        ref, out = np.load(path), np.load(f'{args.out}.{n}.npy')
        if out.dtype != ref.dtype or out.shape != ref.shape:
            sys.exit(f'output {n}: {out.dtype} {out.shape}, expected {ref.dtype} {ref.shape}')
        err = np.abs(out.astype(np.float64) - ref.astype(np.float64)).max()
        rel = err / max(np.abs(ref.astype(np.float64)).max(), 1e-30)
        if not rel <= args.max_rel:
            sys.exit(f'output {n}: max relative error {rel:.3g} above {args.max_rel:g}')
        print(f'output {n}: {out.dtype} {"x".join(map(str, out.shape))} '
              f'max relative error {rel:.2g} (limit {args.max_rel:g})')


if __name__ == '__main__':
    main()
