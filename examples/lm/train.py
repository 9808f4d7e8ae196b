#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Trains the example character-level language model (examples/lm).

A decoder-only transformer (token and learned position embeddings,
pre-RMSNorm blocks with causal multi-head attention and a ReLU MLP, a
final RMSNorm and an untied LM head), trained on the English text of
Debian's `fortunes` package (/usr/share/games/fortunes; one fortune in 20
held out for evaluation). Needs Debian's python3-torch (not needed by
anything else: the committed weights are all the report and tests use).

  python3 examples/lm/train.py [--minutes 12] [--out examples/lm]

Writes weights.bin (every tensor as little-endian float16, in the order of
config.json's "tensors"), config.json, and the held-out and calibration
text. lm_ref.py evaluates the same model in plain Python from those files,
gen_lm.py writes it as MLIR (linalg on tensors).
"""
import argparse
import glob
import json
import math
import os
import random
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = {'art', 'ascii-art'}  # pictures, not text


def vocab():
    # index 0: newline; 1..95: printable ASCII ' '..'~'
    return ['\n'] + [chr(c) for c in range(32, 127)]


def load_fortunes():
    texts = []
    for path in sorted(glob.glob('/usr/share/games/fortunes/*')):
        name = os.path.basename(path)
        if '.' in name or name in SKIP or os.path.isdir(path):
            continue
        raw = open(path, encoding='latin-1').read()
        for f in raw.split('\n%\n'):
            f = f.replace('\t', ' ').strip('\n')
            f = ''.join(ch for ch in f if ch == '\n' or 32 <= ord(ch) < 127)
            if len(f) >= 20:
                texts.append(f + '\n')
    return texts


class Block(nn.Module):
    def __init__(self, d, h, ff):
        super().__init__()
        self.h = h
        self.g_attn = nn.Parameter(torch.ones(d))
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.g_mlp = nn.Parameter(torch.ones(d))
        self.w1 = nn.Linear(d, ff, bias=False)
        self.w2 = nn.Linear(ff, d, bias=False)

    def forward(self, x):
        b, t, d = x.shape
        a = rmsnorm(x, self.g_attn)
        q, k, v = (w(a).view(b, t, self.h, d // self.h).transpose(1, 2)
                   for w in (self.wq, self.wk, self.wv))
        s = q @ k.transpose(-1, -2) / math.sqrt(d // self.h)
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        s = s.masked_fill(mask, float('-inf'))
        o = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.wo(o)
        return x + self.w2(F.relu(self.w1(rmsnorm(x, self.g_mlp))))


def rmsnorm(x, g, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g


class LM(nn.Module):
    def __init__(self, v, d, h, ff, layers, ctx):
        super().__init__()
        self.wte = nn.Embedding(v, d)
        self.wpe = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList(Block(d, h, ff) for _ in range(layers))
        self.g_f = nn.Parameter(torch.ones(d))
        self.head = nn.Linear(d, v, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, x):
        h = self.wte(x) + self.wpe(torch.arange(x.shape[1]))
        for blk in self.blocks:
            h = blk(h)
        return self.head(rmsnorm(h, self.g_f))

    def tensors(self):
        """(name, tensor) in the order of weights.bin; linear weights are
        [out, in] (the Linear layout the MLIR model uses)."""
        out = [('wte', self.wte.weight), ('wpe', self.wpe.weight)]
        for i, b in enumerate(self.blocks):
            out += [(f'l{i}.g_attn', b.g_attn), (f'l{i}.wq', b.wq.weight),
                    (f'l{i}.wk', b.wk.weight), (f'l{i}.wv', b.wv.weight),
                    (f'l{i}.wo', b.wo.weight), (f'l{i}.g_mlp', b.g_mlp),
                    (f'l{i}.w1', b.w1.weight), (f'l{i}.w2', b.w2.weight)]
        return out + [('g_f', self.g_f), ('head', self.head.weight)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=12)
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--ff', type=int, default=1024)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--ctx', type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 2)
    random.seed(0)
    voc = vocab()
    index = {c: i for i, c in enumerate(voc)}
    texts = load_fortunes()
    held = [t for i, t in enumerate(texts) if i % 20 == 0]
    train = [t for i, t in enumerate(texts) if i % 20 != 0]
    train_ids = torch.tensor([index[c] for c in ''.join(train)], dtype=torch.long)
    held_text = ''.join(held)
    print(f'{len(texts)} fortunes, {len(train_ids)} training characters, '
          f'{len(held_text)} held out')
    model = LM(len(voc), args.dim, args.heads, args.ff, args.layers, args.ctx)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    start = time.time()
    step = 0
    budget = args.minutes * 60
    while time.time() - start < budget:
        lr = 2e-3 * min(1.0, (step + 1) / 50) * (0.1 + 0.9 * max(0.0, 1 - (time.time() - start) / budget))
        for group in opt.param_groups:
            group['lr'] = lr
        ix = torch.randint(0, len(train_ids) - args.ctx - 1, (args.batch,))
        x = torch.stack([train_ids[i:i + args.ctx] for i in ix])
        y = torch.stack([train_ids[i + 1:i + args.ctx + 1] for i in ix])
        loss = F.cross_entropy(model(x).reshape(-1, len(voc)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            print(f'step {step} loss {loss.item():.3f} ({time.time() - start:.0f} s)', flush=True)
        step += 1
    # Weights rounded to f16 (what is committed); evaluate that model.
    tensors = model.tensors()
    with torch.no_grad():
        for _, t in tensors:
            t.copy_(t.half().float())
    held_ids = torch.tensor([index[c] for c in held_text], dtype=torch.long)
    n = (len(held_ids) - 1) // args.ctx
    with torch.no_grad():
        x = held_ids[:n * args.ctx].view(n, args.ctx)
        y = held_ids[1:n * args.ctx + 1].view(n, args.ctx)
        nll = F.cross_entropy(model(x).reshape(-1, len(voc)), y.reshape(-1))
    print(f'{step} steps; held-out perplexity (f16 weights) {math.exp(nll.item()):.3f} '
          f'({nll.item() / math.log(2):.3f} bits/char)')
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'weights.bin'), 'wb') as f:
        for _, t in tensors:
            f.write(t.detach().half().numpy().tobytes())
    config = {
        'vocab': ''.join(voc), 'dim': args.dim, 'heads': args.heads, 'ff': args.ff,
        'layers': args.layers, 'ctx': args.ctx, 'eps': 1e-5, 'steps': step,
        'train_minutes': args.minutes, 'heldout_ppl_torch': math.exp(nll.item()),
        'tensors': [[name, list(t.shape)] for name, t in tensors],
    }
    with open(os.path.join(args.out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
    with open(os.path.join(args.out, 'heldout.txt'), 'w') as f:
        f.write(held_text)
    # Calibration text: training fortunes (never held-out ones).
    with open(os.path.join(args.out, 'calib.txt'), 'w') as f:
        f.write(''.join(random.Random(1).sample(train, 200)))


if __name__ == '__main__':
    main()
