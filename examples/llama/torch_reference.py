#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Logits of a checkpoint's model computed by the PyTorch implementation in
train.py (the module that trained examples/llama/tiny), for comparing the
compiled model with PyTorch:

  python3 examples/llama/torch_reference.py CHECKPOINT_DIR --tokens 1,2,3 OUT.npy
      [--lora ADAPTER_DIR]

With --lora, the adapted layers run train_lora.py's LoRALinear (unmerged,
as PyTorch/PEFT computes them) with the adapter's weights.

Needs Debian's python3-torch.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'llm_layer'))
from reference import load_checkpoint  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('--tokens', required=True)
    ap.add_argument('--lora', metavar='DIR')
    ap.add_argument('out')
    a = ap.parse_intermixed_args()
    if a.lora:
        spec = importlib.util.spec_from_file_location('train_lora', os.path.join(HERE, 'train_lora.py'))
        train_lora = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(train_lora)
        cfg = json.load(open(os.path.join(a.lora, 'adapter_config.json')))
        model, adapted = train_lora.build(a.checkpoint, cfg['r'], cfg['lora_alpha'], cfg['target_modules'])
        train_lora.load_adapter(adapted, a.lora)
        with torch.no_grad():
            tokens = torch.tensor([[int(t) for t in a.tokens.split(',')]])
            np.save(a.out, model(tokens)[0].numpy().astype(np.float32))
        return
    spec = importlib.util.spec_from_file_location('llama_train', os.path.join(HERE, 'train.py'))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    cfg = json.load(open(os.path.join(a.checkpoint, 'config.json')))
    model = train.Llama(cfg['vocab_size'], cfg['hidden_size'], cfg['num_attention_heads'],
                        cfg.get('num_key_value_heads', cfg['num_attention_heads']),
                        cfg['intermediate_size'], cfg['num_hidden_layers'])
    weights = load_checkpoint(a.checkpoint)
    with torch.no_grad():
        for name, t in model.hf_tensors():
            t.copy_(torch.from_numpy(weights[name]))
        tokens = torch.tensor([[int(t) for t in a.tokens.split(',')]])
        np.save(a.out, model(tokens)[0].numpy().astype(np.float32))


if __name__ == '__main__':
    main()
