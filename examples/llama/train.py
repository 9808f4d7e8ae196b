#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Trains a small Llama-architecture character-level model and writes it as
a Hugging Face-layout checkpoint (config.json + model.safetensors, bf16),
the input of examples/llama/gen_model.py.

The architecture is Llama's (the PyTorch module below is the reference
implementation kept in the repository): token embedding, pre-RMSNorm
blocks with rotary position embeddings (rotate-half convention), grouped-
query causal attention, a SiLU-gated MLP, a final RMSNorm and an untied LM
head, no biases. Trained on the English text of Debian's `fortunes`
package (one fortune in 20 held out). Needs Debian's python3-torch and
fortunes (nothing else needs them: the committed checkpoint is what the
tests use).

  python3 examples/llama/train.py [--minutes 25] [--out examples/llama/tiny]

Writes OUT/config.json, OUT/model.safetensors, OUT/vocab.json (the
characters of token ids 0..V-1), OUT/heldout.txt and OUT/calib.txt, and
prints the held-out perplexity of the bf16 weights.
"""
import argparse
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


def _lm_train():
    """examples/lm/train.py (same text, same vocabulary)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('lm_train', os.path.join(HERE, '..', 'lm', 'train.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rmsnorm(x, g, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g


def rope(x, theta=10000.0):
    """x: (batch, heads, t, hd); positions 0..t-1, rotate-half convention."""
    t, hd = x.shape[-2], x.shape[-1]
    inv = theta ** (-torch.arange(0, hd, 2, dtype=torch.float32) / hd)
    ang = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)
    sin = torch.cat([ang.sin(), ang.sin()], -1)
    rot = torch.cat([-x[..., hd // 2:], x[..., :hd // 2]], -1)
    return x * cos + rot * sin


class Block(nn.Module):
    def __init__(self, d, h, kvh, ff):
        super().__init__()
        self.h, self.kvh = h, kvh
        hd = d // h
        self.input_layernorm = nn.Parameter(torch.ones(d))
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, kvh * hd, bias=False)
        self.v_proj = nn.Linear(d, kvh * hd, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.post_attention_layernorm = nn.Parameter(torch.ones(d))
        self.gate_proj = nn.Linear(d, ff, bias=False)
        self.up_proj = nn.Linear(d, ff, bias=False)
        self.down_proj = nn.Linear(ff, d, bias=False)

    def forward(self, x):
        b, t, d = x.shape
        hd = d // self.h
        a = rmsnorm(x, self.input_layernorm)
        q = rope(self.q_proj(a).view(b, t, self.h, hd).transpose(1, 2))
        k = rope(self.k_proj(a).view(b, t, self.kvh, hd).transpose(1, 2))
        v = self.v_proj(a).view(b, t, self.kvh, hd).transpose(1, 2)
        rep = self.h // self.kvh
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        s = q @ k.transpose(-1, -2) / math.sqrt(hd)
        s = s.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float('-inf'))
        o = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o_proj(o)
        m = rmsnorm(x, self.post_attention_layernorm)
        return x + self.down_proj(F.silu(self.gate_proj(m)) * self.up_proj(m))


class Llama(nn.Module):
    def __init__(self, v, d, h, kvh, ff, layers):
        super().__init__()
        self.embed_tokens = nn.Embedding(v, d)
        self.layers = nn.ModuleList(Block(d, h, kvh, ff) for _ in range(layers))
        self.norm = nn.Parameter(torch.ones(d))
        self.lm_head = nn.Linear(d, v, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, x):
        h = self.embed_tokens(x)
        for blk in self.layers:
            h = blk(h)
        return self.lm_head(rmsnorm(h, self.norm))

    def hf_tensors(self):
        """(Hugging Face name, tensor)."""
        out = [('model.embed_tokens.weight', self.embed_tokens.weight)]
        for i, b in enumerate(self.layers):
            p = f'model.layers.{i}.'
            out += [(p + 'input_layernorm.weight', b.input_layernorm),
                    (p + 'self_attn.q_proj.weight', b.q_proj.weight),
                    (p + 'self_attn.k_proj.weight', b.k_proj.weight),
                    (p + 'self_attn.v_proj.weight', b.v_proj.weight),
                    (p + 'self_attn.o_proj.weight', b.o_proj.weight),
                    (p + 'post_attention_layernorm.weight', b.post_attention_layernorm),
                    (p + 'mlp.gate_proj.weight', b.gate_proj.weight),
                    (p + 'mlp.up_proj.weight', b.up_proj.weight),
                    (p + 'mlp.down_proj.weight', b.down_proj.weight)]
        return out + [('model.norm.weight', self.norm), ('lm_head.weight', self.lm_head.weight)]


def bf16_bits(t):
    """bf16 bit patterns (round to nearest even) of a float tensor."""
    i = t.detach().float().contiguous().view(torch.int32).to(torch.int64) & 0xFFFFFFFF
    i = (i + 0x7FFF + ((i >> 16) & 1)) >> 16
    return i.to(torch.int32).numpy().astype('<u2')


def write_safetensors(path, tensors):
    header, blobs, off = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, t in tensors:
        data = bf16_bits(t).tobytes()
        header[name] = {'dtype': 'BF16', 'shape': list(t.shape), 'data_offsets': [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=25)
    ap.add_argument('--out', default=os.path.join(HERE, 'tiny'))
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--heads', type=int, default=8)
    ap.add_argument('--kv-heads', type=int, default=2)
    ap.add_argument('--ff', type=int, default=768)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--ctx', type=int, default=128)
    ap.add_argument('--batch', type=int, default=16)
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 2)
    random.seed(0)
    lm = _lm_train()
    voc = lm.vocab()
    index = {c: i for i, c in enumerate(voc)}
    texts = lm.load_fortunes()
    held = [t for i, t in enumerate(texts) if i % 20 == 0]
    train = [t for i, t in enumerate(texts) if i % 20 != 0]
    ids = torch.tensor([index[c] for c in ''.join(train)], dtype=torch.long)
    held_text = ''.join(held)
    model = Llama(len(voc), a.dim, a.heads, a.kv_heads, a.ff, a.layers)
    nparams = sum(p.numel() for p in model.parameters())
    print(f'{len(texts)} fortunes, {len(ids)} training characters; {nparams} parameters', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    start, step, budget = time.time(), 0, a.minutes * 60
    while time.time() - start < budget:
        lr = 2e-3 * min(1.0, (step + 1) / 50) * (0.1 + 0.9 * max(0.0, 1 - (time.time() - start) / budget))
        for g in opt.param_groups:
            g['lr'] = lr
        ix = torch.randint(0, len(ids) - a.ctx - 1, (a.batch,))
        x = torch.stack([ids[i:i + a.ctx] for i in ix])
        y = torch.stack([ids[i + 1:i + a.ctx + 1] for i in ix])
        loss = F.cross_entropy(model(x).reshape(-1, len(voc)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            print(f'step {step} loss {loss.item():.3f} ({time.time() - start:.0f} s)', flush=True)
        step += 1
    # Evaluate the bf16-rounded weights (what is committed).
    tensors = model.hf_tensors()
    with torch.no_grad():
        for _, t in tensors:
            t.copy_(t.bfloat16().float())
    held_ids = torch.tensor([index[c] for c in held_text], dtype=torch.long)
    n = (len(held_ids) - 1) // a.ctx
    with torch.no_grad():
        x = held_ids[:n * a.ctx].view(n, a.ctx)
        y = held_ids[1:n * a.ctx + 1].view(n, a.ctx)
        nll = F.cross_entropy(model(x).reshape(-1, len(voc)), y.reshape(-1))
    ppl = math.exp(nll.item())
    print(f'{step} steps; held-out perplexity (bf16 weights) {ppl:.3f}', flush=True)
    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, 'model.safetensors'), tensors)
    config = {
        'architectures': ['LlamaForCausalLM'], 'model_type': 'llama',
        'hidden_size': a.dim, 'intermediate_size': a.ff, 'num_hidden_layers': a.layers,
        'num_attention_heads': a.heads, 'num_key_value_heads': a.kv_heads,
        'vocab_size': len(voc), 'max_position_embeddings': a.ctx, 'rms_norm_eps': 1e-05,
        'rope_theta': 10000.0, 'hidden_act': 'silu', 'tie_word_embeddings': False,
        'torch_dtype': 'bfloat16',
        'quant_opt_training': {'steps': step, 'minutes': a.minutes, 'heldout_ppl_torch_bf16': ppl,
                               'context': a.ctx, 'text': 'Debian fortunes, 1 in 20 held out'},
    }
    json.dump(config, open(os.path.join(a.out, 'config.json'), 'w'), indent=2)
    json.dump(voc, open(os.path.join(a.out, 'vocab.json'), 'w'))
    open(os.path.join(a.out, 'heldout.txt'), 'w').write(held_text)
    open(os.path.join(a.out, 'calib.txt'), 'w').write(''.join(random.Random(1).sample(train, 200)))


if __name__ == '__main__':
    main()
