# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""PyTorch (Debian's python3-torch: oneDNN / FBGEMM) as a peer for
bench/cpu_matmul.py: times y = x W^T for one shape in a fresh process, the
way quant-run times a compiled model.

  torch_matmul.py KIND M N K ITERATIONS WARMUP THREADS

KIND is f32 (torch.nn.functional.linear on f32: Debian's build has no MKL,
so this is its generic BLAS), bf16 (the same on bf16
tensors: oneDNN's bf16 GEMM where the CPU has AVX512-BF16/AMX) or
int8-dynamic (torch.ao.quantization.quantize_dynamic of an nn.Linear:
int8 weights per output channel, activations quantized per call, the
default quantized engine). Prints "median X ms".
"""
import statistics
import sys
import time


def main():
    kind, m, n, k, iters, warmup, threads = sys.argv[1], *map(int, sys.argv[2:])
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.randn(m, k)
    lin = torch.nn.Linear(k, n, bias=False)
    with torch.no_grad():
        lin.weight.normal_(0, 0.02)
    if kind == "f32":
        call = lambda: torch.nn.functional.linear(x, lin.weight)
    elif kind == "bf16":
        w16, x16 = lin.weight.detach().bfloat16(), x.bfloat16()
        call = lambda: torch.nn.functional.linear(x16, w16)
    elif kind == "int8-dynamic":
        model = torch.ao.quantization.quantize_dynamic(
            torch.nn.Sequential(lin),
            qconfig_spec={torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
            dtype=torch.qint8)
        call = lambda: model(x)
    else:
        sys.exit("unknown kind " + kind)
    times = []
    with torch.no_grad():
        for i in range(warmup + iters):
            t0 = time.perf_counter()
            call()
            t1 = time.perf_counter()
            if i >= warmup:
                times.append(t1 - t0)
    print("median %.6f ms (engine %s)" % (statistics.median(times) * 1e3,
                                          torch.backends.quantized.engine))


if __name__ == "__main__":
    main()
