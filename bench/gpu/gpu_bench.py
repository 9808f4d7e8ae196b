#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""GPU benchmark of quant-opt's compiled quantized matmuls (bench/gpu).

  gpu_bench.py build [--out DIR] [--chip sm_90] [--quick]
      here (LLVM 22, CUDA toolkit, no GPU needed): writes the benchmark
      module (one function per scheme and shape), compiles it with
      --quantx-gpu-pipeline into DIR/gpu-bench (examples/gpu/compile.sh)
      and copies the cuBLAS baseline script next to it.
  gpu_bench.py run DIR [--iters N]
      on the GPU machine (CUDA driver, PyTorch; no LLVM): runs
      DIR/gpu-bench and DIR/torch_baseline.py, writes DIR/results.json and
      prints the Markdown table for docs/performance.md.

Shapes (issue #6): M = 1 and 16 with (N, K) = (4096, 4096), (11008, 4096),
(28672, 8192); M = 128 ... 4096 with N = K = 8192. Schemes: W4A16 int4
g128, NF4 g64, W8A16 per channel, FP8 (E4M3) weights per channel, all with
f16 activations, scales and results; W8A8 (int8 codes, tensor cores) at the
large-M shapes. Reported: kernel time (median, CUDA
events around each launch), achieved GB/s against the device-to-device
copy bandwidth measured in the same run, TFLOP/s, and the ratio to
torch.matmul in fp16 (cuBLAS) on the same machine.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DECODE_SHAPES = [(4096, 4096), (11008, 4096), (28672, 8192)]
LARGE_M = [128, 512, 1024, 4096]
# name, storage, group (-1: per channel), bits
SCHEMES = [
    ('w4a16_g128', 'i4', 128, 4),
    ('nf4_g64', 'nf4', 64, 4),
    ('w8a16', 'i8', -1, 8),
    ('fp8_weights', 'f8E4M3FN', -1, 8),
]
# W8A8: int8 input codes (per-tensor scale) x int8 weights (per channel),
# f16 result; tensor cores (mma.sync s8) at the GEMM shapes.
W8A8 = ('w8a8', 'i8', -1, 8)


def cases(quick):
    out = []
    shapes = DECODE_SHAPES[:1] if quick else DECODE_SHAPES
    for scheme in SCHEMES:
        for m in (1, 16):
            for n, k in shapes:
                out.append((scheme, m, n, k))
    for m in (LARGE_M[:1] if quick else LARGE_M):
        out.append((SCHEMES[0], m, 8192, 8192))
        out.append((W8A8, m, 8192, 8192))
    return out


def function(i, scheme, m, n, k):
    _, kind, group, bits = scheme
    wcols = k * bits // 8
    wtype = kind if kind.startswith('f8') else 'i8'
    if group > 0:
        attr = f'#quantx.scheme<{kind}, axis = 1, group = {group}>'
        stype = f'tensor<{n}x{k // group}xf16>'
    else:
        attr = f'#quantx.scheme<{kind}, axis = 0>'
        stype = f'tensor<{n}xf16>'
    if scheme is W8A8:
        stype = f'tensor<{n}xf32>'
        types = f'(tensor<{m}x{k}xi8>, tensor<{n}x{k}xi8>, {stype}, tensor<f32>)'
        return (f'func.func @bench_{i}(%a: tensor<{m}x{k}xi8>, %w: tensor<{n}x{k}xi8>, '
                f'%s: {stype}, %as: tensor<f32>) -> tensor<{m}x{n}xf16> {{\n'
                f'  %0 = quantx.matmul %a, %w weight({attr} scale %s) input(#quantx.scheme<i8> '
                f'scale %as) : {types} -> tensor<{m}x{n}xf16>\n'
                f'  return %0 : tensor<{m}x{n}xf16>\n}}\n')
    types = f'(tensor<{m}x{k}xf16>, tensor<{n}x{wcols}x{wtype}>, {stype})'
    return (f'func.func @bench_{i}(%a: tensor<{m}x{k}xf16>, %w: tensor<{n}x{wcols}x{wtype}>, '
            f'%s: {stype}) -> tensor<{m}x{n}xf16> {{\n'
            f'  %0 = quantx.matmul %a, %w weight({attr} scale %s) : {types} -> tensor<{m}x{n}xf16>\n'
            f'  return %0 : tensor<{m}x{n}xf16>\n}}\n')


def build(args):
    os.makedirs(args.out, exist_ok=True)
    cs = cases(args.quick)
    with open(os.path.join(args.out, 'bench.mlir'), 'w') as f:
        for i, (scheme, m, n, k) in enumerate(cs):
            f.write(function(i, scheme, m, n, k))
    with open(os.path.join(args.out, 'bench_cases.h'), 'w') as f:
        for i in range(len(cs)):
            f.write(f'void _mlir_ciface_bench_{i}(void);\n')
        f.write('static const bench_case kBench[] = {\n')
        for i, (scheme, m, n, k) in enumerate(cs):
            name, _, group, bits = scheme
            groups = k // group if group > 0 else 1
            int8 = scheme is W8A8
            f.write(f'  {{"{name}", {m}, {n}, {k}, {m * k * (1 if int8 else 2)}, '
                    f'{n * k * bits // 8}, {n * groups * (4 if int8 else 2)}, {m * n * 2}, '
                    f'{2 if group > 0 else 1}, {groups}, {int(int8)}, '
                    f'_mlir_ciface_bench_{i}}},\n')
        f.write('};\n')
    env = dict(os.environ, CFLAGS=f'-I{args.out}')
    subprocess.run(['bash', os.path.join(ROOT, 'examples/gpu/compile.sh'),
                    os.path.join(args.out, 'bench.mlir'),
                    os.path.join(ROOT, 'bench/gpu/gemv_bench.c'),
                    os.path.join(args.out, 'gpu-bench'),
                    f'chip={args.chip} emit-c-interface'], check=True, env=env)
    shutil.copy(os.path.join(ROOT, 'bench/gpu/torch_baseline.py'), args.out)
    shutil.copy(os.path.abspath(__file__), args.out)
    with open(os.path.join(args.out, 'shapes.json'), 'w') as f:
        json.dump([{'scheme': s[0], 'm': m, 'n': n, 'k': k} for s, m, n, k in cs], f)
    print(f'built {args.out}/gpu-bench ({len(cs)} functions, {args.chip})')


def run(args):
    d = args.dir
    ours = subprocess.run([os.path.join(d, 'gpu-bench'), str(args.iters)], check=True,
                          capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in ours.splitlines() if line.startswith('{')]
    device, rows = rows[0], rows[1:]
    base = subprocess.run([sys.executable, os.path.join(d, 'torch_baseline.py'),
                           os.path.join(d, 'shapes.json')], check=True,
                          capture_output=True, text=True).stdout
    torch_rows = [json.loads(line) for line in base.splitlines() if line.startswith('{')]
    fp16 = {(r['m'], r['n'], r['k']): r['ms'] for r in torch_rows if r['op'] == 'fp16'}
    result = {'device': device, 'quantx': rows, 'torch': torch_rows}
    with open(os.path.join(d, 'results.json'), 'w') as f:
        json.dump(result, f, indent=1)
    bw = device['copy_gbps']
    print(f"Device: {device['device']} ({device['sms']} SMs); device-to-device copy "
          f"bandwidth (read + write) measured in the same run: {bw:.0f} GB/s\n")
    print('| scheme | M | N | K | kernel ms | call ms | GB/s | % of copy BW | TFLOP/s '
          '| cuBLAS fp16 ms | speed-up vs fp16 |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        ref = fp16.get((r['m'], r['n'], r['k']))
        ref_ms = '' if ref is None else '%.4f' % ref
        speedup = '' if ref is None else '%.2fx' % (ref / r['kernel_ms'])
        print(f"| {r['scheme']} | {r['m']} | {r['n']} | {r['k']} | {r['kernel_ms']:.4f} | "
              f"{r['call_ms']:.4f} | {r['gbps']:.0f} | {100 * r['gbps'] / bw:.0f}% | "
              f"{r['tflops']:.2f} | {ref_ms} | {speedup} |")
    other = [r for r in torch_rows if r['op'] != 'fp16']
    if other:
        print('\ncuBLAS GEMM baselines at 8192^3 (targets: W8A8 and FP8 >= 1.6x bf16):\n')
        print('| op | M | N | K | ms | TFLOP/s |')
        print('|---|---|---|---|---|---|')
        for r in other:
            print(f"| {r['op']} | {r['m']} | {r['n']} | {r['k']} | {r['ms']:.4f} | "
                  f"{2 * r['m'] * r['n'] * r['k'] / (r['ms'] * 1e-3) / 1e12:.1f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('build')
    b.add_argument('--out', default=os.path.join(ROOT, 'gpu-artifacts', 'bench'))
    b.add_argument('--chip', default='sm_90')
    b.add_argument('--quick', action='store_true')
    r = sub.add_parser('run')
    r.add_argument('dir')
    r.add_argument('--iters', type=int, default=50)
    args = ap.parse_args()
    build(args) if args.cmd == 'build' else run(args)


if __name__ == '__main__':
    main()
