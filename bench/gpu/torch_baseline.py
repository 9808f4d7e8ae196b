#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""cuBLAS baselines through PyTorch for bench/gpu (run on the GPU machine).

Usage: torch_baseline.py SHAPES.json  (written by gpu_bench.py build)

For every (M, N, K) of the quant-opt benchmark: torch.matmul in fp16
(x[M, K] @ W^T with W[N, K], the Linear layout). Also the GEMM targets of
issue #6 at 8192^3: bf16 torch.matmul and FP8 E4M3 torch._scaled_mm (where
the chip has FP8). Median of CUDA-event timings; one JSON object per line.
"""
import json
import sys

import torch


def time_ms(fn, iters=50):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    times.sort()
    return times[len(times) // 2]


def main():
    shapes = json.load(open(sys.argv[1]))
    dev = torch.device('cuda')
    seen = set()
    for s in shapes:
        key = (s['m'], s['n'], s['k'])
        if key in seen:
            continue
        seen.add(key)
        m, n, k = key
        x = torch.randn(m, k, device=dev, dtype=torch.float16)
        w = torch.randn(n, k, device=dev, dtype=torch.float16)
        ms = time_ms(lambda: torch.matmul(x, w.t()))
        print(json.dumps({'op': 'fp16', 'm': m, 'n': n, 'k': k, 'ms': ms}), flush=True)
        del x, w
    n = 8192
    a = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
    print(json.dumps({'op': 'bf16_gemm', 'm': n, 'n': n, 'k': n,
                      'ms': time_ms(lambda: torch.matmul(a, b.t()))}), flush=True)
    if torch.cuda.get_device_capability() >= (8, 9) and hasattr(torch, '_scaled_mm'):
        a8 = a.to(torch.float8_e4m3fn)
        b8 = b.to(torch.float8_e4m3fn)
        one = torch.ones((), device=dev)
        ms = time_ms(lambda: torch._scaled_mm(a8, b8.t(), scale_a=one, scale_b=one,
                                              out_dtype=torch.bfloat16))
        print(json.dumps({'op': 'fp8_scaled_mm', 'm': n, 'n': n, 'k': n, 'ms': ms}), flush=True)


if __name__ == '__main__':
    main()
