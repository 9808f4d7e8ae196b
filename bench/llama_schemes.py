#!/usr/bin/env python3
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
    'nf4 g64 + dq': 'scheme=w4a16-nf4-dq group-size=64',
}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(' '.join(cmd) + ' failed:\n' + p.stderr[-2000:])
    return p


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
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.work, 'model.mlir')
    run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'gen_model.py'), a.checkpoint, model,
         '--prefill', '16', '--max-len', str(a.max_len)])
    vocab = os.path.join(a.checkpoint, 'vocab.json')
    heldout = os.path.join(a.checkpoint, 'heldout.txt')
    files = [f for f in os.listdir(a.checkpoint) if f.endswith('.safetensors')]
    float_bytes = sum(os.path.getsize(os.path.join(a.checkpoint, f)) for f in files)
    rows = []
    stats = os.path.join(a.work, 'stats.safetensors')
    for name in a.schemes.split(','):
        opts = SCHEMES[name]
        if opts and '{stats}' in opts:
            if not os.path.exists(stats):
                run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'calibrate.py'),
                     a.checkpoint, os.path.join(a.checkpoint, 'calib.txt'), stats,
                     '--sequences', str(a.calib_sequences), '--length', '128'])
            opts = opts.format(stats=stats)
        m, size = model, float_bytes
        if opts:
            tag = re.sub(r'[^a-z0-9]+', '-', name)
            out = os.path.join(a.work, tag + '.safetensors')
            m = os.path.join(a.work, tag + '.mlir')
            run([os.path.join(BIN, 'quant-opt'), model, f'--quantx-ptq={opts} params-out={out}', '-o', m])
            size = os.path.getsize(out)
        ev = run([os.path.join(BIN, 'quant-generate'), m, '--vocab', vocab, '--eval', heldout,
                  '--eval-tokens', str(a.eval_tokens), '--progress', '0'])
        ppl = float(re.search(r'perplexity ([0-9.]+)', ev.stdout).group(1))
        gen = run([os.path.join(BIN, 'quant-generate'), m, '--vocab', vocab, '--prompt', a.prompt,
                   '--tokens', str(a.tokens), '--progress', '0'])
        st = re.search(r'prefill \d+ tokens ([0-9.]+) tokens/s; decode \d+ tokens ([0-9.]+) tokens/s; '
                       r'peak RSS ([0-9.]+) MB', gen.stderr)
        rows.append((name, size, ppl, float(st.group(1)), float(st.group(2)), float(st.group(3)),
                     gen.stdout.strip().replace('\n', ' ')[:60]))
        print(f'{name}: ppl {ppl:.4f}', file=sys.stderr)
    base = rows[0][2] if rows and rows[0][0] == 'float' else None
    print('| scheme | parameters file | held-out perplexity | prefill tokens/s | decode tokens/s | peak RSS | greedy sample |')
    print('|---|---|---|---|---|---|---|')
    for name, size, ppl, pre, dec, rss, text in rows:
        delta = f' ({(ppl / base - 1) * 100:+.1f}%)' if base and name != 'float' else ''
        print(f'| {name} | {size / 1e6:.2f} MB | {ppl:.4f}{delta} | {pre:.0f} | {dec:.0f} | {rss:.0f} MB | `{text}` |')


if __name__ == '__main__':
    main()
