#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Records the reference NLL of the example LM (examples/lm) computed by
PyTorch from weights.bin, for the test that compares quant-opt's compiled
float model against it (test/Examples/lm.test).

  python3 examples/lm/reference.py [--seqs 4]

Needs Debian's python3-torch and python3-numpy (like train.py). Stores
"reference_mean_nll" (the mean NLL in nats of the first SEQS held-out
sequences, as gen_lm.py cuts them) in config.json.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_lm  # noqa: E402
import train  # noqa: E402


def load_model():
    """(config, the PyTorch LM with the trained weights of weights.bin)."""
    cfg = json.load(open(os.path.join(HERE, 'config.json')))
    model = train.LM(len(cfg['vocab']), cfg['dim'], cfg['heads'], cfg['ff'], cfg['layers'], cfg['ctx'])
    raw = np.fromfile(os.path.join(HERE, 'weights.bin'), dtype='<f2').astype(np.float32)
    off = 0
    with torch.no_grad():
        for _, t in model.tensors():
            t.copy_(torch.from_numpy(raw[off:off + t.numel()]).view(t.shape))
            off += t.numel()
    return cfg, model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seqs', type=int, default=4)
    args = ap.parse_args()
    path = os.path.join(HERE, 'config.json')
    cfg, model = load_model()
    n, toks, tgts = gen_lm.sequences(open(os.path.join(HERE, 'heldout.txt')).read(),
                                     cfg['vocab'], cfg['ctx'], args.seqs)
    x = torch.tensor(toks).view(n, cfg['ctx'])
    y = torch.tensor(tgts).view(n, cfg['ctx'])
    with torch.no_grad():
        nll = F.cross_entropy(model(x).reshape(-1, len(cfg['vocab'])), y.reshape(-1))
    cfg['reference_seqs'] = n
    cfg['reference_mean_nll'] = nll.item()
    json.dump(cfg, open(path, 'w'), indent=1)
    print(f'mean NLL of {n} held-out sequences: {nll.item():.6f}')


if __name__ == '__main__':
    main()
