#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Calibration statistics of a Llama-architecture checkpoint, for GPTQ and
AWQ (second moments of every linear layer's input) and SmoothQuant / W8A8
static (per-channel ranges):

  examples/llama/calibrate.py CHECKPOINT TEXT STATS.safetensors
      [--sequences 16] [--length 128] [--work DIR]

Cuts TEXT (characters of the checkpoint's vocab.json) into SEQUENCES
windows of LENGTH tokens, builds the model with one prefill of LENGTH
tokens (gen_model.py), observes the inputs of its linear layers
(--quantx-insert-fake-quant observe-inputs=true: q/k/v and gate/up, which
read one input, share an observer), and runs quant-calibrate over the
windows, each from position 0 with an empty cache. The statistics' names
are the layers' (layers.I.self_attn.q_proj.input, ...), the same in every
model gen_model.py writes from the checkpoint, so they apply to models with
any prefill length.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, 'build', 'bin')


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(' '.join(cmd) + ' failed:\n' + p.stderr[-2000:])
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('text')
    ap.add_argument('out')
    ap.add_argument('--sequences', type=int, default=16, help='windows of calibration text')
    ap.add_argument('--length', type=int, default=128, help='tokens per window')
    ap.add_argument('--work', help='directory for the intermediate files (default: a temporary one)')
    a = ap.parse_args()
    import numpy as np
    cfg = json.load(open(os.path.join(a.checkpoint, 'config.json')))
    vocab = json.load(open(os.path.join(a.checkpoint, 'vocab.json')))
    index = {c: i for i, c in enumerate(vocab)}
    ids = [index[c] for c in open(a.text, encoding='utf-8').read() if c in index]
    need = a.sequences * a.length
    if len(ids) < need:
        raise SystemExit(f'calibrate: {a.text} has {len(ids)} tokens; '
                         f'{a.sequences} windows of {a.length} need {need}')
    work = a.work or tempfile.mkdtemp(prefix='llama-calib-')
    os.makedirs(work, exist_ok=True)
    L, H = cfg['num_hidden_layers'], cfg['num_attention_heads']
    kvd = cfg.get('num_key_value_heads', H) * (cfg['hidden_size'] // H)
    np.save(os.path.join(work, 'tokens.npy'), np.array(ids[:need], dtype=np.int64))
    np.save(os.path.join(work, 'start.npy'), np.zeros(1, dtype=np.int64))
    np.save(os.path.join(work, 'cache.npy'), np.zeros((L, 2, a.length, kvd), dtype=np.float32))
    model = os.path.join(work, 'calib.mlir')
    observed = os.path.join(work, 'observed.mlir')
    run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'gen_model.py'), a.checkpoint,
         model, '--prefill', str(a.length), '--max-len', str(a.length)])
    # Only @prefill runs: @decode and its observers are dropped.
    run([os.path.join(BIN, 'quant-opt'), model, '--symbol-privatize=exclude=prefill', '--symbol-dce',
         '--quantx-insert-fake-quant=scheme=w4a16 observe-inputs=true', '-o', observed])
    p = run([os.path.join(BIN, 'quant-calibrate'), observed, '-e', 'prefill', '--batch',
             str(a.length), '-i', os.path.join(work, 'tokens.npy'), '-i',
             os.path.join(work, 'start.npy'), '-i', os.path.join(work, 'cache.npy'),
             '--second-moments', '-o', a.out])
    sys.stderr.write(p.stderr)


if __name__ == '__main__':
    main()
