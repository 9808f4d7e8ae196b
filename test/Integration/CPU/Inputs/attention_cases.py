# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The non-matmul ops of a decoder layer (RMSNorm, grouped-query attention
over a cache with a causal mask, softmax written as max / exp / sum,
probabilities x V with the positions innermost, a K x N matmul and a
transposed copy) executed by quant-run and compared with NumPy (float64).

  attention_cases.py DIR QUANT_RUN

Each case runs with the default pipeline (loops reordered, float
reductions reassociated), with reassociate-reductions=0 (strictly
sequential sums) and without OpenMP. Every result must be within
  |quant-run - numpy| <= 1e-5 * sqrt(n) * rms(numpy) + 1e-30
of NumPy, n the longest reduction of the case; each case prints one line.
"""
import os
import subprocess
import sys

import numpy as np

rng = np.random.default_rng(11)


def model(T, H, KVH, hd, S, d):
    g = H // KVH
    kvd = KVH * hd
    e3 = 'affine_map<(t, h, s) -> (t, h, s)>'
    r3 = 'affine_map<(t, h, s) -> (t, h)>'
    return f'''
func.func @layer(%x: tensor<{T}x{d}xf32>, %q: tensor<{T}x{H * hd}xf32>, %k: tensor<{S}x{kvd}xf32>,
                 %v: tensor<{S}x{kvd}xf32>, %w: tensor<{d}x{hd}xf32>, %start_t: tensor<1xi64>)
    -> (tensor<{T}x{d}xf32>, tensor<{T}x{H * hd}xf32>, tensor<{T}x{hd}xf32>, tensor<{hd}x{T}xf32>) {{
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant -1.0e+30 : f32
  %invd = arith.constant {1.0 / d:e} : f32
  %eps = arith.constant 1.0e-05 : f32
  %scale = arith.constant {1.0 / hd ** 0.5:e} : f32
  %c0 = arith.constant 0 : index
  %start64 = tensor.extract %start_t[%c0] : tensor<1xi64>
  %start = arith.index_cast %start64 : i64 to index
  %sse = tensor.empty() : tensor<{T}xf32>
  %ssi = linalg.fill ins(%zero : f32) outs(%sse : tensor<{T}xf32>) -> tensor<{T}xf32>
  %ss = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (t)>], iterator_types = ["parallel", "reduction"]}}
      ins(%x : tensor<{T}x{d}xf32>) outs(%ssi : tensor<{T}xf32>) {{
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %r = arith.addf %acc, %sq : f32
    linalg.yield %r : f32
  }} -> tensor<{T}xf32>
  %ne = tensor.empty() : tensor<{T}x{d}xf32>
  %norm = linalg.generic {{indexing_maps = [affine_map<(t, c) -> (t, c)>, affine_map<(t, c) -> (t)>, affine_map<(t, c) -> (t, c)>], iterator_types = ["parallel", "parallel"]}}
      ins(%x, %ss : tensor<{T}x{d}xf32>, tensor<{T}xf32>) outs(%ne : tensor<{T}x{d}xf32>) {{
  ^bb0(%a: f32, %s: f32, %o: f32):
    %me = arith.mulf %s, %invd : f32
    %me2 = arith.addf %me, %eps : f32
    %rs = math.rsqrt %me2 : f32
    %r = arith.mulf %a, %rs : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{d}xf32>
  %qh = tensor.expand_shape %q [[0], [1, 2]] output_shape [{T}, {H}, {hd}] : tensor<{T}x{H * hd}xf32> into tensor<{T}x{H}x{hd}xf32>
  %kh = tensor.expand_shape %k [[0], [1, 2]] output_shape [{S}, {KVH}, {hd}] : tensor<{S}x{kvd}xf32> into tensor<{S}x{KVH}x{hd}xf32>
  %vh = tensor.expand_shape %v [[0], [1, 2]] output_shape [{S}, {KVH}, {hd}] : tensor<{S}x{kvd}xf32> into tensor<{S}x{KVH}x{hd}xf32>
  %se = tensor.empty() : tensor<{T}x{H}x{S}xf32>
  %si = linalg.fill ins(%zero : f32) outs(%se : tensor<{T}x{H}x{S}xf32>) -> tensor<{T}x{H}x{S}xf32>
  %sc = linalg.generic {{indexing_maps = [affine_map<(t, h, s, e) -> (t, h, e)>, affine_map<(t, h, s, e) -> (s, h floordiv {g}, e)>, affine_map<(t, h, s, e) -> (t, h, s)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%qh, %kh : tensor<{T}x{H}x{hd}xf32>, tensor<{S}x{KVH}x{hd}xf32>) outs(%si : tensor<{T}x{H}x{S}xf32>) {{
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}x{S}xf32>
  %me = tensor.empty() : tensor<{T}x{H}x{S}xf32>
  %ms = linalg.generic {{indexing_maps = [{e3}, {e3}], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%sc : tensor<{T}x{H}x{S}xf32>) outs(%me : tensor<{T}x{H}x{S}xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %t = linalg.index 0 : index
    %s = linalg.index 2 : index
    %pos = arith.addi %start, %t : index
    %fut = arith.cmpi ugt, %s, %pos : index
    %sa = arith.mulf %a, %scale : f32
    %r = arith.select %fut, %ninf, %sa : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}x{S}xf32>
  %mxe = tensor.empty() : tensor<{T}x{H}xf32>
  %mxi = linalg.fill ins(%ninf : f32) outs(%mxe : tensor<{T}x{H}xf32>) -> tensor<{T}x{H}xf32>
  %mx = linalg.generic {{indexing_maps = [{e3}, {r3}], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%ms : tensor<{T}x{H}x{S}xf32>) outs(%mxi : tensor<{T}x{H}xf32>) {{
  ^bb0(%a: f32, %acc: f32):
    %r = arith.maximumf %acc, %a : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}xf32>
  %ee = tensor.empty() : tensor<{T}x{H}x{S}xf32>
  %ex = linalg.generic {{indexing_maps = [{e3}, {r3}, {e3}], iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%ms, %mx : tensor<{T}x{H}x{S}xf32>, tensor<{T}x{H}xf32>) outs(%ee : tensor<{T}x{H}x{S}xf32>) {{
  ^bb0(%a: f32, %m: f32, %o: f32):
    %dl = arith.subf %a, %m : f32
    %r = math.exp %dl : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}x{S}xf32>
  %sme = tensor.empty() : tensor<{T}x{H}xf32>
  %smi = linalg.fill ins(%zero : f32) outs(%sme : tensor<{T}x{H}xf32>) -> tensor<{T}x{H}xf32>
  %sm = linalg.generic {{indexing_maps = [{e3}, {r3}], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%ex : tensor<{T}x{H}x{S}xf32>) outs(%smi : tensor<{T}x{H}xf32>) {{
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}xf32>
  %oe = tensor.empty() : tensor<{T}x{H}x{hd}xf32>
  %oi = linalg.fill ins(%zero : f32) outs(%oe : tensor<{T}x{H}x{hd}xf32>) -> tensor<{T}x{H}x{hd}xf32>
  %o3 = linalg.generic {{indexing_maps = [affine_map<(t, h, e, s) -> (t, h, s)>, affine_map<(t, h, e, s) -> (t, h)>, affine_map<(t, h, e, s) -> (s, h floordiv {g}, e)>, affine_map<(t, h, e, s) -> (t, h, e)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%ex, %sm, %vh : tensor<{T}x{H}x{S}xf32>, tensor<{T}x{H}xf32>, tensor<{S}x{KVH}x{hd}xf32>) outs(%oi : tensor<{T}x{H}x{hd}xf32>) {{
  ^bb0(%pe: f32, %z: f32, %vv: f32, %acc: f32):
    %pr = arith.divf %pe, %z : f32
    %m = arith.mulf %pr, %vv : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  }} -> tensor<{T}x{H}x{hd}xf32>
  %att = tensor.collapse_shape %o3 [[0], [1, 2]] : tensor<{T}x{H}x{hd}xf32> into tensor<{T}x{H * hd}xf32>
  %pe = tensor.empty() : tensor<{T}x{hd}xf32>
  %pi = linalg.fill ins(%zero : f32) outs(%pe : tensor<{T}x{hd}xf32>) -> tensor<{T}x{hd}xf32>
  %proj = linalg.matmul ins(%norm, %w : tensor<{T}x{d}xf32>, tensor<{d}x{hd}xf32>) outs(%pi : tensor<{T}x{hd}xf32>) -> tensor<{T}x{hd}xf32>
  %te = tensor.empty() : tensor<{hd}x{T}xf32>
  %tr = linalg.transpose ins(%proj : tensor<{T}x{hd}xf32>) outs(%te : tensor<{hd}x{T}xf32>) permutation = [1, 0]
  return %norm, %att, %proj, %tr : tensor<{T}x{d}xf32>, tensor<{T}x{H * hd}xf32>, tensor<{T}x{hd}xf32>, tensor<{hd}x{T}xf32>
}}
'''


def reference(x, q, k, v, w, start, T, H, KVH, hd, S):
    x, q, k, v, w = (a.astype(np.float64) for a in (x, q, k, v, w))
    norm = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-5)
    g = H // KVH
    qh = q.reshape(T, H, hd)
    kh = k.reshape(S, KVH, hd)[:, np.arange(H) // g, :]  # S x H x hd
    vh = v.reshape(S, KVH, hd)[:, np.arange(H) // g, :]
    scores = np.einsum('the,she->ths', qh, kh) / np.sqrt(hd)
    future = np.arange(S)[None, None, :] > (start + np.arange(T))[:, None, None]
    scores = np.where(future, -1e30, scores)
    p = np.exp(scores - scores.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    att = np.einsum('ths,she->the', p, vh).reshape(T, H * hd)
    proj = norm @ w
    return [norm, att, proj, proj.T]


def main():
    out, quant_run = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    # (T, H, KVH, head_dim, S, hidden): decode and prefill, grouped and not,
    # odd sizes, sizes below the reordering threshold.
    cases = [(1, 4, 4, 32, 64, 128), (3, 8, 2, 24, 37, 96), (5, 6, 3, 8, 19, 40),
             (1, 2, 1, 128, 130, 256), (16, 4, 4, 16, 16, 7)]
    modes = [('default', ''), ('strict', 'reassociate-reductions=0'),
             ('serial', 'openmp=false')]
    failed = 0
    for i, (T, H, KVH, hd, S, d) in enumerate(cases):
        path = os.path.join(out, 'case%d' % i)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, 'model.mlir'), 'w') as f:
            f.write(model(T, H, KVH, hd, S, d))
        start = S - T - (i % 2)
        inputs = [rng.standard_normal((T, d)), rng.standard_normal((T, H * hd)),
                  rng.standard_normal((S, KVH * hd)), rng.standard_normal((S, KVH * hd)),
                  rng.standard_normal((d, hd))]
        inputs = [a.astype(np.float32) for a in inputs]
        names = []
        for j, a in enumerate(inputs + [np.array([start], dtype=np.int64)]):
            names.append(os.path.join(path, 'in%d.npy' % j))
            np.save(names[-1], a)
        want = reference(*inputs, start, T, H, KVH, hd, S)
        n = max(d, hd, S)
        for mode, options in modes:
            res = os.path.join(path, mode)
            cmd = [quant_run, os.path.join(path, 'model.mlir'), '-o', res]
            for name in names:
                cmd += ['-i', name]
            if options:
                cmd.append('--pipeline-options=' + options)
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                print('case %d %s: MISMATCH quant-run failed: %s' % (i, mode, run.stderr.strip()))
                failed += 1
                continue
            worst = 0.0
            for j, ref in enumerate(want):
                got = np.load(os.path.join(res, 'layer.%d.npy' % j)).astype(np.float64)
                rms = np.sqrt((ref * ref).mean())
                err = np.abs(got - ref).max() / (1e-5 * np.sqrt(n) * rms + 1e-30)
                worst = max(worst, err)
            status = 'ok' if worst <= 1 else 'MISMATCH'
            failed += status != 'ok'
            print('case %d %s: %s (error %.3f of the bound)' % (i, mode, status, worst))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
