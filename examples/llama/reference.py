#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""NumPy reference of the Llama-architecture decoder that gen_model.py
writes, from the model's definition (Hugging Face's LlamaForCausalLM
semantics: RMSNorm, rotate-half rotary embeddings with rope_theta,
grouped-query attention, SiLU-gated MLP), independent of quant-opt.

  python3 examples/llama/reference.py CHECKPOINT_DIR --tokens 1,2,3,... OUT.npy

writes the logits of a full causal forward pass over the tokens (positions
0..n-1), n x vocab, f32; with --greedy N, prints the ids of N tokens
generated greedily after them. --lora DIR adds a LoRA adapter in the PEFT
layout (each adapted weight W becomes W + lora_alpha / r * B A, in f64).
Needs numpy.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'llm_layer'))
from reference import load_checkpoint  # noqa: E402


def add_lora(W, directory):
    """Merges the PEFT-layout adapter in `directory` into the weights W."""
    cfg = json.load(open(os.path.join(directory, 'adapter_config.json')))
    scale = cfg['lora_alpha'] / (np.sqrt(cfg['r']) if cfg.get('use_rslora') else cfg['r'])
    raw = open(os.path.join(directory, 'adapter_model.safetensors'), 'rb').read()
    n = int.from_bytes(raw[:8], 'little')
    header = json.loads(raw[8:8 + n])

    def tensor(name):
        b, e = header[name]['data_offsets']
        return np.frombuffer(raw[8 + n + b:8 + n + e], '<f4').reshape(header[name]['shape'])
    for name in header:
        if name.endswith('.lora_A.weight'):
            base = name[len('base_model.model.'):-len('.lora_A.weight')]
            a, b = tensor(name).astype(np.float64), tensor(name.replace('lora_A', 'lora_B')).astype(np.float64)
            W[base + '.weight'] = (W[base + '.weight'] + scale * b @ a).astype(np.float32)


def forward(W, cfg, tokens):
    d = cfg['hidden_size']
    H = cfg['num_attention_heads']
    KVH = cfg.get('num_key_value_heads', H)
    hd = d // H
    group = H // KVH
    theta = cfg.get('rope_theta', 10000.0)
    eps = cfg.get('rms_norm_eps', 1e-5)
    n = len(tokens)
    x = W['model.embed_tokens.weight'][np.array(tokens)].astype(np.float64)

    def norm(v, key):
        return v / np.sqrt((v * v).mean(axis=1, keepdims=True) + eps) * W[key]

    def lin(v, key):
        return v @ W[key].astype(np.float64).T

    inv = theta ** (-np.arange(0, hd, 2) / hd)
    ang = np.arange(n)[:, None] * inv[None, :]
    cos = np.concatenate([np.cos(ang), np.cos(ang)], axis=1)[:, None, :]
    sin = np.concatenate([np.sin(ang), np.sin(ang)], axis=1)[:, None, :]

    def rope(v, heads):
        v = v.reshape(n, heads, hd)
        rot = np.concatenate([-v[..., hd // 2:], v[..., :hd // 2]], axis=-1)
        return v * cos + rot * sin

    mask = np.triu(np.full((n, n), -np.inf), 1)
    for l in range(cfg['num_hidden_layers']):
        p = f'model.layers.{l}.'
        h1 = norm(x, p + 'input_layernorm.weight')
        q = rope(lin(h1, p + 'self_attn.q_proj.weight'), H)
        k = rope(lin(h1, p + 'self_attn.k_proj.weight'), KVH)
        v = lin(h1, p + 'self_attn.v_proj.weight').reshape(n, KVH, hd)
        out = np.zeros((n, H, hd))
        for h in range(H):
            s = q[:, h] @ k[:, h // group].T / np.sqrt(hd) + mask
            s = np.exp(s - s.max(axis=1, keepdims=True))
            out[:, h] = (s / s.sum(axis=1, keepdims=True)) @ v[:, h // group]
        x = x + lin(out.reshape(n, d), p + 'self_attn.o_proj.weight')
        h2 = norm(x, p + 'post_attention_layernorm.weight')
        g, u = lin(h2, p + 'mlp.gate_proj.weight'), lin(h2, p + 'mlp.up_proj.weight')
        x = x + lin(g / (1 + np.exp(-g)) * u, p + 'mlp.down_proj.weight')
    head = 'model.embed_tokens.weight' if cfg.get('tie_word_embeddings') else 'lm_head.weight'
    return lin(norm(x, 'model.norm.weight'), head)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('--tokens', help='comma-separated token ids')
    ap.add_argument('--perplexity', metavar='TEXT',
                    help='instead: perplexity of TEXT (needs vocab.json in the checkpoint) '
                         'in windows of --window tokens, the first --limit tokens')
    ap.add_argument('--window', type=int, default=128)
    ap.add_argument('--limit', type=int, default=2048)
    ap.add_argument('--greedy', type=int, default=0,
                    help='instead: print the ids of this many greedily generated tokens')
    ap.add_argument('--lora', metavar='DIR', help='LoRA adapter (PEFT layout) to add')
    ap.add_argument('out', nargs='?')
    a = ap.parse_intermixed_args()
    cfg = json.load(open(os.path.join(a.checkpoint, 'config.json')))
    W = load_checkpoint(a.checkpoint)
    if a.lora:
        add_lora(W, a.lora)
    if a.perplexity:
        voc = json.load(open(os.path.join(a.checkpoint, 'vocab.json')))
        index = {c: i for i, c in enumerate(voc)}
        ids = [index[c] for c in open(a.perplexity).read() if c in index][:a.limit + 1]
        nll, n = 0.0, 0
        for w in range(0, len(ids) - 1, a.window):
            length = min(a.window, len(ids) - 1 - w)
            logits = forward(W, cfg, ids[w:w + length])
            m = logits.max(axis=1, keepdims=True)
            lse = np.log(np.exp(logits - m).sum(axis=1)) + m[:, 0]
            nll += float((lse - logits[np.arange(length), ids[w + 1:w + length + 1]]).sum())
            n += length
        print('perplexity %.4f over %d tokens (windows of %d)' % (np.exp(nll / n), n, a.window))
        return
    tokens = [int(t) for t in a.tokens.split(',')]
    if a.greedy:
        out = []
        for _ in range(a.greedy):
            out.append(int(forward(W, cfg, tokens + out)[-1].argmax()))
        print(' '.join(map(str, out)))
        return
    np.save(a.out, forward(W, cfg, tokens).astype(np.float32))


if __name__ == '__main__':
    main()
