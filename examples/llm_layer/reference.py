#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""NumPy reference for the layers that gen_layer.py --checkpoint writes,
written from the model's definition and the quantization formulas, not from
quant-opt's code: RMSNorm with its gain, q/k/v/o projections, the per-head
q.k logits (scaled by 1/sqrt(head_dim)), residuals and the SiLU-gated MLP,
with weights read from the checkpoint (safetensors parsed here) and, for
--scheme w4a16/w8a16, replaced by their round-to-nearest dequantized values:

  w4a16 (groups of G along K): s = max(|w|) / 7 over each group (at least
      2^-23, in float32), q = clip(round_half_even(w / s), -8, 7), w' = q * s
  w8a16 (per output channel):   s = max(|w|) / 127, q = clip(..., -128, 127)
  w4a16-asym (groups of G): over each group's range [lo, hi] widened to
      contain 0, s = (hi - lo) / 15, z = clip(-round(lo / s), 0, 15),
      q = clip(round_half_even(w / s) + z, 0, 15), w' = (q - z) * s
  w8a16-fp8 (per output channel): s = max(|w|) / 448, q = w / s rounded to
      the nearest FP8 E4M3 value (ties to even; 3 mantissa bits, exponents
      from -6, subnormal steps of 2^-9, saturating at +-448)

  python3 reference.py --checkpoint DIR --layers N --input x.npy
      [--scheme float|w4a16|w4a16-asym|w8a16|w8a16-fp8] [--group 128] --out y.npy --out-logits l.npy
      [--out-head lm_logits.npy]
"""
import argparse
import json
import os
import struct

import numpy as np


def load_checkpoint(path):
    index_path = os.path.join(path, 'model.safetensors.index.json')
    if os.path.exists(index_path):
        index = json.load(open(index_path))
    else:  # a single-file checkpoint
        raw = open(os.path.join(path, 'model.safetensors'), 'rb').read(8)
        n = struct.unpack('<Q', raw)[0]
        header = json.loads(open(os.path.join(path, 'model.safetensors'), 'rb').read(8 + n)[8:])
        index = {'weight_map': {k: 'model.safetensors' for k in header if k != '__metadata__'}}
    cache, out = {}, {}

    def shard(name):
        if name not in cache:
            raw = open(os.path.join(path, name), 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            cache[name] = (json.loads(raw[8:8 + n]), raw[8 + n:])
        return cache[name]

    for key, fname in index['weight_map'].items():
        header, data = shard(fname)
        e = header[key]
        b, t = e['data_offsets']
        buf = np.frombuffer(data[b:t], dtype={'BF16': np.uint16, 'F16': np.float16, 'F32': np.float32}[e['dtype']])
        if e['dtype'] == 'BF16':
            buf = (buf.astype(np.uint32) << 16).view(np.float32)
        out[key] = buf.astype(np.float32).reshape(e['shape'])
    return out


def rtn(w, scheme, group):
    n, k = w.shape
    if scheme == 'w4a16':
        g = w.reshape(n, k // group, group).astype(np.float64)
        s = np.maximum(np.abs(g).max(axis=2, keepdims=True) / 7.0, 2.0 ** -23).astype(np.float32)
        q = np.clip(np.rint(g.astype(np.float32) / s), -8, 7)
        return (q * s).astype(np.float32).reshape(n, k)
    if scheme == 'w4a16-asym':
        g = w.reshape(n, k // group, group).astype(np.float64)
        lo = np.minimum(g.min(axis=2, keepdims=True), 0.0)
        hi = np.maximum(g.max(axis=2, keepdims=True), 0.0)
        s = np.maximum((hi - lo) / 15.0, 2.0 ** -23).astype(np.float32)
        z = np.clip(-np.rint(lo / s.astype(np.float64)), 0, 15)
        q = np.clip(np.rint(g.astype(np.float32) / s) + z, 0, 15)
        return ((q - z) * s).astype(np.float32).reshape(n, k)
    if scheme == 'w8a16-fp8':
        s = np.maximum(np.abs(w.astype(np.float64)).max(axis=1, keepdims=True) / 448.0, 2.0 ** -23).astype(np.float32)
        v = (w / s).astype(np.float32).astype(np.float64)
        e = np.floor(np.log2(np.maximum(np.abs(v), 2.0 ** -6)))
        step = 2.0 ** (e - 3)
        q = np.clip(np.rint(v / step) * step, -448.0, 448.0)
        return (q.astype(np.float32) * s).astype(np.float32)
    if scheme == 'w8a16':
        s = np.maximum(np.abs(w.astype(np.float64)).max(axis=1, keepdims=True) / 127.0, 2.0 ** -23).astype(np.float32)
        q = np.clip(np.rint(w / s), -128, 127)
        return (q * s).astype(np.float32)
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--input', required=True)
    ap.add_argument('--scheme', default='float', choices=['float', 'w4a16', 'w4a16-asym', 'w8a16', 'w8a16-fp8'])
    ap.add_argument('--group', type=int, default=128)
    ap.add_argument('--out', required=True)
    ap.add_argument('--out-logits', required=True)
    ap.add_argument('--out-head', help='also the final norm and lm_head: write the logits here')
    a = ap.parse_args()
    cfg = json.load(open(os.path.join(a.checkpoint, 'config.json')))
    W = load_checkpoint(a.checkpoint)
    x = np.load(a.input).astype(np.float64)
    t, d = x.shape
    h = cfg['num_attention_heads']
    hd = d // h
    eps = 1e-5

    def norm(v, key):
        rms = 1.0 / np.sqrt((v * v).sum(axis=1, keepdims=True) / d + eps)
        return v * rms * W[key]

    def lin(v, name):
        key = 'lm_head.weight' if name == 'lm_head' else f'model.{name}.weight'
        return v @ rtn(W[key], a.scheme, a.group).astype(np.float64).T

    logits = np.zeros((t, h))
    for i in range(a.layers):
        p = f'layers.{i}'
        n1 = norm(x, f'model.{p}.input_layernorm.weight')
        q, k, v = lin(n1, f'{p}.self_attn.q_proj'), lin(n1, f'{p}.self_attn.k_proj'), lin(n1, f'{p}.self_attn.v_proj')
        logits += (q.reshape(t, h, hd) * k.reshape(t, h, hd)).sum(axis=2) / np.sqrt(hd)
        x = x + lin(v, f'{p}.self_attn.o_proj')
        n2 = norm(x, f'model.{p}.post_attention_layernorm.weight')
        g, u = lin(n2, f'{p}.mlp.gate_proj'), lin(n2, f'{p}.mlp.up_proj')
        x = x + lin(g / (1.0 + np.exp(-g)) * u, f'{p}.mlp.down_proj')
    if a.out_head:
        np.save(a.out_head, lin(norm(x, 'model.norm.weight'), 'lm_head').astype(np.float32))
    np.save(a.out, x.astype(np.float32))
    np.save(a.out_logits, logits.astype(np.float32))


if __name__ == '__main__':
    main()
