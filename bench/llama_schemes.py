#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Perplexity, memory and speed of a Llama-architecture checkpoint in every
scheme, through the prefill + KV-cache decode path:

  bench/llama_schemes.py CHECKPOINT WORK_DIR [--eval-tokens 2048]
      [--prompt "..."] [--tokens 64] [--schemes float,w8a16,...]
      [--calib-sequences 16]

Schemes that need calibration (static activation scales, SmoothQuant, AWQ,
GPTQ) use statistics from examples/llama/calibrate.py on
CHECKPOINT/calib.txt (windows of 128 tokens), computed once. For each
scheme: quantize from the checkpoint (--quantx-ptq params-out), the
parameter file's size, held-out perplexity (quant-generate --eval on
CHECKPOINT/heldout.txt, windows of the cache length) and greedy generation
speed (quant-generate: prefill and decode tokens/s, peak RSS). Prints a
Markdown table.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, 'build', 'bin')
SCHEMES = {
    'float': None,
    'w8a16': 'scheme=w8a16',
    'w8a16-fp8': 'scheme=w8a16-fp8',
    'w8a8 dynamic': 'scheme=w8a8-dynamic',
    'w8a8 static': 'scheme=w8a8 stats={stats}',
    'w8a8 static + SmoothQuant': 'scheme=w8a8 algorithm=smoothquant stats={stats}',
    'fp8 static': 'scheme=fp8 stats={stats}',
    'w4a16 g128': 'scheme=w4a16 group-size=128',
    'w4a16 g128 AWQ': 'scheme=w4a16 group-size=128 algorithm=awq stats={stats}',
    'w4a16 g128 GPTQ': 'scheme=w4a16 group-size=128 algorithm=gptq stats={stats}',
    'w4a16-asym g128': 'scheme=w4a16-asym group-size=128',
    'w4a8 g128 dynamic': 'scheme=w4a8-dynamic group-size=128',
    'w4a8 g128 dynamic GPTQ': 'scheme=w4a8-dynamic group-size=128 algorithm=gptq stats={stats}',
    'nf4 g64 + dq': 'scheme=w4a16-nf4-dq group-size=64',
}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(' '.join(cmd) + ' failed:\n' + p.stderr[-2000:])
    return p


def measure(checkpoint, work, schemes, eval_tokens=2048, prompt='The meaning of life is ',
            tokens=64, max_len=128, calib_sequences=16, bin_dir=BIN, log=sys.stderr):
    """One dict per scheme: scheme, params_bytes, perplexity, prefill_tps,
    decode_tps, peak_rss_mb, sample."""
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, 'model.mlir')
    run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'gen_model.py'), checkpoint, model,
         '--prefill', '16', '--max-len', str(max_len)])
    vocab = os.path.join(checkpoint, 'vocab.json')
    heldout = os.path.join(checkpoint, 'heldout.txt')
    files = [f for f in os.listdir(checkpoint) if f.endswith('.safetensors')]
    float_bytes = sum(os.path.getsize(os.path.join(checkpoint, f)) for f in files)
    rows = []
    stats = os.path.join(work, 'stats.safetensors')
    for name in schemes:
        opts = SCHEMES[name]
        if opts and '{stats}' in opts:
            if not os.path.exists(stats):
                run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'calibrate.py'),
                     checkpoint, os.path.join(checkpoint, 'calib.txt'), stats,
                     '--sequences', str(calib_sequences), '--length', '128'])
            opts = opts.format(stats=stats)
        m, size = model, float_bytes
        if opts:
            tag = re.sub(r'[^a-z0-9]+', '-', name)
            out = os.path.join(work, tag + '.safetensors')
            m = os.path.join(work, tag + '.mlir')
            run([os.path.join(bin_dir, 'quant-opt'), model, f'--quantx-ptq={opts} params-out={out}', '-o', m])
            size = os.path.getsize(out)
        ev = run([os.path.join(bin_dir, 'quant-generate'), m, '--vocab', vocab, '--eval', heldout,
                  '--eval-tokens', str(eval_tokens), '--progress', '0'])
        ppl = float(re.search(r'perplexity ([0-9.]+)', ev.stdout).group(1))
        gen = run([os.path.join(bin_dir, 'quant-generate'), m, '--vocab', vocab, '--prompt', prompt,
                   '--tokens', str(tokens), '--progress', '0'])
        st = re.search(r'prefill \d+ tokens ([0-9.]+) tokens/s; decode \d+ tokens ([0-9.]+) tokens/s; '
                       r'peak RSS ([0-9.]+) MB', gen.stderr)
        rows.append({'scheme': name, 'params_bytes': size, 'perplexity': ppl,
                     'prefill_tps': float(st.group(1)), 'decode_tps': float(st.group(2)),
                     'peak_rss_mb': float(st.group(3)),
                     'sample': gen.stdout.strip().replace('\n', ' ')[:60]})
        if log:
            print(f'{name}: ppl {ppl:.4f}', file=log)
    return rows


def markdown(rows):
    """The rows as a Markdown table (perplexity change against 'float')."""
    base = next((r['perplexity'] for r in rows if r['scheme'] == 'float'), None)
    out = ['| scheme | parameters file | held-out perplexity | prefill tokens/s | decode tokens/s '
           '| peak RSS | greedy sample |', '|---|---|---|---|---|---|---|']
    for r in rows:
        delta = (f' ({(r["perplexity"] / base - 1) * 100:+.1f}%)'
                 if base and r['scheme'] != 'float' else '')
        out.append(f'| {r["scheme"]} | {r["params_bytes"] / 1e6:.2f} MB | {r["perplexity"]:.4f}{delta} '
                   f'| {r["prefill_tps"]:.0f} | {r["decode_tps"]:.0f} | {r["peak_rss_mb"]:.0f} MB '
                   f'| `{r["sample"]}` |')
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('checkpoint')
    ap.add_argument('work')
    ap.add_argument('--eval-tokens', type=int, default=2048)
    ap.add_argument('--prompt', default='The meaning of life is ')
    ap.add_argument('--tokens', type=int, default=64)
    ap.add_argument('--schemes', default=','.join(SCHEMES))
    ap.add_argument('--max-len', type=int, default=128)
    ap.add_argument('--calib-sequences', type=int, default=16,
                    help='windows of 128 tokens of CHECKPOINT/calib.txt for the statistics')
    a = ap.parse_args()
    rows = measure(a.checkpoint, a.work, a.schemes.split(','), a.eval_tokens, a.prompt, a.tokens,
                   a.max_len, a.calib_sequences)
    print(markdown(rows))


if __name__ == '__main__':
    main()
