#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Which ops of the example models run as scalar loops, per scheme:

  bench/vectorization.py WORK_DIR [--models llama,lm,mlp] [--schemes ...]

Builds the bundled models (examples/llama/tiny through gen_model.py,
examples/lm through gen_lm.py, examples/mlp/mlp.mlir), quantizes each with
--quantx-ptq, runs it once under the JIT with --vectorization-remarks and
prints a Markdown table: how many source ops with loops LLVM vectorized
(loop or SLP vectorizer, or a memset/memcpy), and each op it left scalar
with LLVM's reason. The kernels' hand-written vector code is not counted.
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
    'w8a8-dynamic': 'scheme=w8a8-dynamic',
    'w4a16 g32': 'scheme=w4a16 group-size=32',
    'w4a8-dynamic g32': 'scheme=w4a8-dynamic group-size=32',
}
SUMMARY = re.compile(r'remark: loop vectorizer: (\d+) of (\d+) source ops')
SCALAR = re.compile(r"^(\S+): remark: '([^']+)' (scalar|partly scalar[^:]*): (.*)$")


def run(cmd, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if p.returncode:
        raise SystemExit(' '.join(cmd) + ' failed:\n' + p.stderr[-2000:])
    return p


def build_models(work, names):
    """(name, model file, parameter file or None, runner arguments)."""
    models = []
    if 'llama' in names:
        m = os.path.join(work, 'llama.mlir')
        run([sys.executable, os.path.join(ROOT, 'examples', 'llama', 'gen_model.py'),
             os.path.join(ROOT, 'examples', 'llama', 'tiny'), m, '--prefill', '16', '--max-len', '128'])
        models.append(('llama (tiny)', m, True,
                       ['quant-generate', '--prompt-ids=1,2,3', '--tokens', '2', '--progress', '0']))
    if 'lm' in names:
        d = os.path.join(work, 'lm')
        run([sys.executable, os.path.join(ROOT, 'examples', 'lm', 'gen_lm.py'), d, '--seqs', '8'])
        models.append(('lm', os.path.join(d, 'lm.mlir'), False,
                       ['quant-run', '-e', 'lm', '-i', os.path.join(d, 'eval_tokens.npy'),
                        '-i', os.path.join(d, 'eval_targets.npy')]))
    if 'mlp' in names:
        models.append(('mlp', os.path.join(ROOT, 'examples', 'mlp', 'mlp.mlir'), False,
                       ['quant-run', '-e', 'mlp', '-i',
                        os.path.join(ROOT, 'examples', 'mlp', 'data', 'test_x.npy')]))
    return models


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('work')
    ap.add_argument('--models', default='llama,lm,mlp')
    ap.add_argument('--schemes', default=','.join(SCHEMES))
    ap.add_argument('--bin', default=BIN)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    schemes = args.schemes.split(',')
    for s in schemes:
        if s not in SCHEMES:
            raise SystemExit(f'unknown scheme {s!r}; known: {", ".join(SCHEMES)}')
    print('| model | scheme | ops vectorized | left scalar (LLVM\'s reason) |')
    print('| --- | --- | ---: | --- |')
    for name, model, external, runner in build_models(args.work, args.models.split(',')):
        for scheme in schemes:
            m = model
            if SCHEMES[scheme]:
                tag = re.sub(r'[^a-z0-9]+', '-', f'{name}-{scheme}')
                m = os.path.join(args.work, tag + '.mlir')
                opts = SCHEMES[scheme]
                if external:
                    opts += ' params-out=' + os.path.join(args.work, tag + '.safetensors')
                run([os.path.join(args.bin, 'quant-opt'), model, f'--quantx-ptq={opts}', '-o', m])
            print(f'{name}, {scheme} ...', file=sys.stderr, flush=True)
            out = run([os.path.join(args.bin, runner[0]), m] + runner[1:] +
                      ['--vectorization-remarks']).stderr
            summary = SUMMARY.search(out)
            if not summary:
                raise SystemExit(f'{name} {scheme}: no vectorization summary in:\n{out[-2000:]}')
            scalar = []
            for line in out.splitlines():
                hit = SCALAR.match(line)
                if hit:
                    where = os.path.basename(hit.group(1))
                    scalar.append(f'{where} `{hit.group(2)}`: {hit.group(4)}')
            print(f'| {name} | {scheme} | {summary.group(1)} of {summary.group(2)} | '
                  f'{"; ".join(scalar) or "none"} |', flush=True)


if __name__ == '__main__':
    main()
