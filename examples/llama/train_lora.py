#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Trains a LoRA adapter for a Llama-architecture checkpoint with PyTorch and
writes it in the PEFT layout (adapter_config.json + adapter_model.safetensors,
f32), the input of --quantx-apply-lora / --quantx-ptq lora=DIR:

  python3 examples/llama/train_lora.py CHECKPOINT OUT_DIR [--steps 60]
      [--r 8] [--alpha 16] [--targets q_proj,v_proj] [--text FILE]

The base model is train.py's PyTorch module with the checkpoint's weights,
frozen; each target Linear layer gets y = x W^T + (alpha / r) (x A^T) B^T
with A (r x K) initialized as PEFT does (Kaiming-uniform) and B (N x r) at
zero, trained with Adam on windows of TEXT (default CHECKPOINT/calib.txt).
Deterministic (seed 0). Prints the loss on windows of the training text
and of held-out text before and after. Needs Debian's python3-torch.
"""
import argparse
import importlib.util
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'llm_layer'))
from reference import load_checkpoint  # noqa: E402


def load_train():
    spec = importlib.util.spec_from_file_location('llama_train', os.path.join(HERE, 'train.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class LoRALinear(nn.Module):
    """A frozen Linear layer plus (alpha / r) (x A^T) B^T."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base, self.scale = base, alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))

    def forward(self, x):
        return self.base(x) + self.scale * F.linear(F.linear(x, self.lora_A), self.lora_B)


def build(checkpoint, r=0, alpha=0.0, targets=()):
    """train.py's Llama with the checkpoint's weights; LoRA on `targets`."""
    train = load_train()
    cfg = json.load(open(os.path.join(checkpoint, 'config.json')))
    model = train.Llama(cfg['vocab_size'], cfg['hidden_size'], cfg['num_attention_heads'],
                        cfg.get('num_key_value_heads', cfg['num_attention_heads']),
                        cfg['intermediate_size'], cfg['num_hidden_layers'])
    weights = load_checkpoint(checkpoint)
    with torch.no_grad():
        for name, t in model.hf_tensors():
            t.copy_(torch.from_numpy(weights[name]))
    for p in model.parameters():
        p.requires_grad_(False)
    adapted = {}
    for i, blk in enumerate(model.layers):
        for t in targets:
            mod = 'self_attn' if t in ('q_proj', 'k_proj', 'v_proj', 'o_proj') else 'mlp'
            lora = LoRALinear(getattr(blk, t), r, alpha)
            setattr(blk, t, lora)
            adapted[f'model.layers.{i}.{mod}.{t}'] = lora
    return model, adapted


def load_adapter(model_adapted, directory):
    """Loads a PEFT-layout adapter written by save_adapter into the layers."""
    raw = open(os.path.join(directory, 'adapter_model.safetensors'), 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    with torch.no_grad():
        for base, lora in model_adapted.items():
            for part, p in (('lora_A', lora.lora_A), ('lora_B', lora.lora_B)):
                info = header[f'base_model.model.{base}.{part}.weight']
                b, e = info['data_offsets']
                p.copy_(torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + e], '<f4').reshape(info['shape'])))


def save_adapter(directory, adapted, r, alpha, targets, checkpoint):
    os.makedirs(directory, exist_ok=True)
    header, blobs, off = {'__metadata__': {'format': 'pt'}}, [], 0
    for base, lora in sorted(adapted.items()):
        for part, p in (('lora_A', lora.lora_A), ('lora_B', lora.lora_B)):
            data = p.detach().float().numpy().astype('<f4').tobytes()
            header[f'base_model.model.{base}.{part}.weight'] = {
                'dtype': 'F32', 'shape': list(p.shape), 'data_offsets': [off, off + len(data)]}
            blobs.append(data)
            off += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(os.path.join(directory, 'adapter_model.safetensors'), 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
    config = {'peft_type': 'LORA', 'task_type': 'CAUSAL_LM', 'r': r, 'lora_alpha': alpha,
              'lora_dropout': 0.0, 'bias': 'none', 'fan_in_fan_out': False,
              'target_modules': list(targets), 'use_rslora': False,
              'base_model_name_or_path': os.path.relpath(checkpoint, directory)}
    json.dump(config, open(os.path.join(directory, 'adapter_config.json'), 'w'), indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('out')
    ap.add_argument('--steps', type=int, default=60)
    ap.add_argument('--r', type=int, default=8)
    ap.add_argument('--alpha', type=float, default=16.0)
    ap.add_argument('--targets', default='q_proj,v_proj')
    ap.add_argument('--text', help='training text (default CHECKPOINT/calib.txt)')
    ap.add_argument('--lr', type=float, default=2e-3)
    a = ap.parse_args()
    torch.manual_seed(0)
    targets = a.targets.split(',')
    model, adapted = build(a.checkpoint, a.r, a.alpha, targets)
    vocab = json.load(open(os.path.join(a.checkpoint, 'vocab.json')))
    index = {c: i for i, c in enumerate(vocab)}

    def ids(path):
        return torch.tensor([index[c] for c in open(path, encoding='utf-8').read() if c in index])

    data = ids(a.text or os.path.join(a.checkpoint, 'calib.txt'))
    held = ids(os.path.join(a.checkpoint, 'heldout.txt'))[:128 * 16].view(16, 128)

    def loss_of(batch):
        logits = model(batch[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))

    train_windows = data[:128 * 16 + 1][:128 * 16].view(16, 128)
    with torch.no_grad():
        before, before_train = float(loss_of(held)), float(loss_of(train_windows))
    params = [p for lora in adapted.values() for p in (lora.lora_A, lora.lora_B)]
    opt = torch.optim.Adam(params, lr=a.lr)
    g = torch.Generator().manual_seed(0)
    for step in range(a.steps):
        starts = torch.randint(0, len(data) - 129, (8,), generator=g)
        batch = torch.stack([data[s:s + 129] for s in starts])
        opt.zero_grad()
        loss = loss_of(batch)
        loss.backward()
        opt.step()
    with torch.no_grad():
        after, after_train = float(loss_of(held)), float(loss_of(train_windows))
    save_adapter(a.out, adapted, a.r, a.alpha, targets, a.checkpoint)
    print(f'{a.steps} steps, {sum(p.numel() for p in params)} adapter parameters: loss on the '
          f'training text {before_train:.4f} -> {after_train:.4f}, held out {before:.4f} -> {after:.4f}')


if __name__ == '__main__':
    main()
