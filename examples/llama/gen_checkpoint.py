#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes a Llama-architecture checkpoint with random weights in the
Hugging Face layout: config.json, model-0000I-of-0000N.safetensors shards
and model.safetensors.index.json, bf16 (or f16/f32) tensors named as
transformers names them (model.embed_tokens.weight,
model.layers.I.self_attn.q_proj.weight, ..., model.norm.weight,
lm_head.weight). Nothing is downloaded; the same arguments give the same
bytes.

  python3 examples/llama/gen_checkpoint.py OUT_DIR [--config 7b|small]
      [--layers N] [--hidden D] [--intermediate F] [--heads H] [--kv-heads H]
      [--vocab V] [--dtype bf16|f16|f32] [--shard-gb 4] [--seed 0]

--config 7b (the default) has Llama-2-7B's dimensions: 32 layers, hidden
4096, intermediate 11008, 32 heads, vocabulary 32000, about 13.5 GB in bf16
(6.74 G parameters). --config small is the test configuration (2 layers,
hidden 256, intermediate 512, 4 heads, vocabulary 512). Linear weights are
uniform with the standard deviation of a 1/sqrt(fan_in) initialization,
norm gains 1 + uniform(-0.1, 0.1). Needs numpy (Debian: python3-numpy).
"""
import argparse
import json
import os
import struct
import sys
import time
import zlib

import numpy as np

CONFIGS = {
    '7b': dict(layers=32, hidden=4096, intermediate=11008, heads=32, kv_heads=32, vocab=32000),
    'small': dict(layers=2, hidden=256, intermediate=512, heads=4, kv_heads=4, vocab=512),
}
DTYPES = {'bf16': ('BF16', 'bfloat16', 2), 'f16': ('F16', 'float16', 2), 'f32': ('F32', 'float32', 4)}


def tensor_list(c):
    d, f, v = c['hidden'], c['intermediate'], c['vocab']
    hd = d // c['heads']
    kv = c['kv_heads'] * hd
    out = [('model.embed_tokens.weight', (v, d), 'embed')]
    for i in range(c['layers']):
        p = f'model.layers.{i}.'
        out += [(p + 'input_layernorm.weight', (d,), 'norm'),
                (p + 'self_attn.q_proj.weight', (d, d), 'linear'),
                (p + 'self_attn.k_proj.weight', (kv, d), 'linear'),
                (p + 'self_attn.v_proj.weight', (kv, d), 'linear'),
                (p + 'self_attn.o_proj.weight', (d, d), 'linear'),
                (p + 'post_attention_layernorm.weight', (d,), 'norm'),
                (p + 'mlp.gate_proj.weight', (f, d), 'linear'),
                (p + 'mlp.up_proj.weight', (f, d), 'linear'),
                (p + 'mlp.down_proj.weight', (d, f), 'linear')]
    out += [('model.norm.weight', (d,), 'norm'), ('lm_head.weight', (v, d), 'linear')]
    return out


def make(name, shape, kind, seed, dtype):
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    n = int(np.prod(shape))
    u = rng.random(n, dtype=np.float32)
    if kind == 'norm':
        x = 1.0 + (u * 0.2 - 0.1)
    else:
        # uniform with std 1/sqrt(fan_in) (embeddings: std 0.02)
        std = 0.02 if kind == 'embed' else 1.0 / np.sqrt(shape[1])
        x = (u * 2.0 - 1.0) * np.float32(std * np.sqrt(3.0))
    x = x.astype(np.float32).reshape(shape)
    if dtype == 'bf16':
        bits = x.view(np.uint32)
        # round to nearest even on the upper 16 bits
        bits = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
        return (bits >> np.uint32(16)).astype(np.uint16)
    return x.astype(DTYPES[dtype][1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out')
    ap.add_argument('--config', choices=sorted(CONFIGS), default='7b')
    for k in ('layers', 'hidden', 'intermediate', 'heads', 'kv_heads', 'vocab'):
        ap.add_argument('--' + k.replace('_', '-'), type=int)
    ap.add_argument('--dtype', choices=sorted(DTYPES), default='bf16')
    ap.add_argument('--shard-gb', type=float, default=4.0)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    c = dict(CONFIGS[a.config])
    for k in c:
        if getattr(a, k) is not None:
            c[k] = getattr(a, k)
    if c['hidden'] % c['heads'] or c['heads'] % c['kv_heads']:
        sys.exit('gen_checkpoint: hidden must be a multiple of heads, heads of kv-heads')
    st_dtype, _, esize = DTYPES[a.dtype]
    os.makedirs(a.out, exist_ok=True)
    tensors = tensor_list(c)
    # Shards of at most shard-gb (a tensor never spans two).
    limit = int(a.shard_gb * (1 << 30))
    shards, cur, size = [], [], 0
    for t in tensors:
        nbytes = int(np.prod(t[1])) * esize
        if cur and size + nbytes > limit:
            shards.append(cur)
            cur, size = [], 0
        cur.append(t)
        size += nbytes
    shards.append(cur)
    total = sum(int(np.prod(t[1])) for t in tensors)
    weight_map = {}
    start = time.time()
    done = 0
    for si, shard in enumerate(shards):
        fname = f'model-{si + 1:05d}-of-{len(shards):05d}.safetensors'
        header, off = {'__metadata__': {'format': 'pt'}}, 0
        for name, shape, _ in shard:
            nbytes = int(np.prod(shape)) * esize
            header[name] = {'dtype': st_dtype, 'shape': list(shape), 'data_offsets': [off, off + nbytes]}
            off += nbytes
            weight_map[name] = fname
        h = json.dumps(header, separators=(',', ':')).encode()
        h += b' ' * ((8 - len(h) % 8) % 8)
        tmp = os.path.join(a.out, fname + '.tmp')
        with open(tmp, 'wb') as f:
            f.write(struct.pack('<Q', len(h)) + h)
            for name, shape, kind in shard:
                f.write(make(name, shape, kind, a.seed, a.dtype).tobytes())
                done += int(np.prod(shape))
            print(f'gen_checkpoint: {fname} ({off / 1e9:.2f} GB), {done / total * 100:.0f}% '
                  f'after {time.time() - start:.0f} s', file=sys.stderr)
        os.replace(tmp, os.path.join(a.out, fname))
    with open(os.path.join(a.out, 'model.safetensors.index.json'), 'w') as f:
        json.dump({'metadata': {'total_size': total * esize}, 'weight_map': weight_map}, f, indent=2)
    config = {
        'architectures': ['LlamaForCausalLM'], 'model_type': 'llama',
        'hidden_size': c['hidden'], 'intermediate_size': c['intermediate'],
        'num_hidden_layers': c['layers'], 'num_attention_heads': c['heads'],
        'num_key_value_heads': c['kv_heads'], 'vocab_size': c['vocab'],
        'max_position_embeddings': 4096, 'rms_norm_eps': 1e-05, 'rope_theta': 10000.0,
        'hidden_act': 'silu', 'tie_word_embeddings': False,
        'torch_dtype': {'bf16': 'bfloat16', 'f16': 'float16', 'f32': 'float32'}[a.dtype],
    }
    with open(os.path.join(a.out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    print(f'gen_checkpoint: {total / 1e9:.2f} G parameters, {total * esize / 1e9:.2f} GB in '
          f'{len(shards)} shard(s), {time.time() - start:.0f} s', file=sys.stderr)


if __name__ == '__main__':
    main()
