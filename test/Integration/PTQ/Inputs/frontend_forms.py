# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Writes quantized matmuls in the IR forms frontends emit, with inputs and
NumPy references computed from the forms' definitions (for
test/Integration/PTQ/frontend-forms.test):

  frontend_forms.py DIR

For each form F: DIR/F.mlir (function @F), DIR/F.inN.npy, DIR/F.ref0.npy,
and DIR/F.upstream.mlir (@F called on the inputs by a @main that prints the
number of result elements that differ from the reference).
Values are chosen so that every product and sum is exact in f32 (small
integer codes, activations in halves, power-of-two scales): any evaluation
order gives the same bits, so fused and unfused results must be identical.

  iree_grouped   IREE's GlobalOptimization input: u4 codes N x K/G x G,
                 f32 scales and zero points N x K/G as function arguments,
                 activations 1 x M x K/G x G, a generic contraction with two
                 reduction dimensions.
  torch_grouped  torch-mlir's unpacked form: constant i4 codes N x K/G x G,
                 constant scales and zero points N x K/G x 1 read through
                 (d0, d1, 0), signed codes, activations M x K/G x G.
  kn_grouped     a K x N weight (transposed) with u8 codes, scales per group
                 along K through (k floordiv G, n), linalg.matmul.
  qmm_runtime    linalg.quantized_matmul with run-time i32 zero points and an
                 accumulator that is not zero (outs = argument).
  qbmm           linalg.quantized_batch_matmul (batch 2) with constant zero
                 points and a zero-filled accumulator.
  f16_grouped    a half-precision model: i4 codes N x K, f16 scales per group
                 through (n, k floordiv G), f16 activations, and a contraction
                 that accumulates in f16 (what the source computes: each
                 product and partial sum rounded to f16, in increasing k).
                 Its reference is that sequential f16 sum; f16_once.ref0.npy
                 holds the exact sum rounded once to f16 (what the fused
                 matmul computes by default). The two differ.
  nibble_packed  u4 codes packed two per byte (low nibble first) in an i8
                 N x K/2 argument, unpacked by a generic that shifts by
                 4 * (k mod 2) and masks, f32 scales and zero points per
                 group of 32 along K, a generic contraction.
"""
import os
import sys

import numpy as np

rng = np.random.default_rng(17)
out = sys.argv[1]


def dense(a, elt):
    return 'dense<%s> : tensor<%sx%s>' % (np.array2string(a, separator=', ', threshold=1 << 30,
                                                          max_line_width=1 << 30).replace('\n', ''),
                                          'x'.join(map(str, a.shape)), elt)


ELT = {np.dtype(np.float32): 'f32', np.dtype(np.float16): 'f16', np.dtype(np.int8): 'i8',
       np.dtype(np.int32): 'i32'}


def save(name, inputs, ref, text):
    """NAME.mlir, the inputs and reference as .npy, and NAME.upstream.mlir:
    the same function called by a @main on the inputs as constants that
    prints how many result elements differ from the reference (for a run
    through upstream passes and mlir-runner only)."""
    open(os.path.join(out, name + '.mlir'), 'w').write(text)
    for i, a in enumerate(inputs):
        np.save(os.path.join(out, '%s.in%d.npy' % (name, i)), a)
    np.save(os.path.join(out, name + '.ref0.npy'), ref)
    ty = lambda a: 'tensor<%sx%s>' % ('x'.join(map(str, a.shape)), ELT[a.dtype])  # noqa: E731
    lines = ['func.func @main() {']
    for i, a in enumerate(inputs):
        lines.append('  %%in%d = arith.constant %s' % (i, dense(a, ELT[a.dtype])))
    lines.append('  %%r = call @%s(%s) : (%s) -> %s' % (
        name, ', '.join('%%in%d' % i for i in range(len(inputs))),
        ', '.join(ty(a) for a in inputs), ty(ref)))
    lines.append('  %%ref = arith.constant %s' % dense(ref, ELT[ref.dtype]))
    rank = ref.ndim
    dims = ', '.join('d%d' % i for i in range(rank))
    ne = 'arith.cmpf une' if ref.dtype.kind == 'f' else 'arith.cmpi ne'
    elt = ELT[ref.dtype]
    lines += ['  %zero = arith.constant 0 : i64',
              '  %e = tensor.empty() : tensor<i64>',
              '  %init = linalg.fill ins(%zero : i64) outs(%e : tensor<i64>) -> tensor<i64>',
              '  %%n = linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>, affine_map<(%s) -> (%s)>, '
              'affine_map<(%s) -> ()>], iterator_types = [%s]} ins(%%r, %%ref : %s, %s) outs(%%init : tensor<i64>) {'
              % (dims, dims, dims, dims, dims, ', '.join(['"reduction"'] * rank), ty(ref), ty(ref)),
              '  ^bb0(%%a: %s, %%b: %s, %%acc: i64):' % (elt, elt),
              '    %%d = %s, %%a, %%b : %s' % (ne, elt),
              '    %one = arith.extui %d : i1 to i64',
              '    %sum = arith.addi %acc, %one : i64',
              '    linalg.yield %sum : i64',
              '  } -> tensor<i64>',
              '  %v = tensor.extract %n[] : tensor<i64>',
              '  vector.print str "mismatches "',
              '  vector.print %v : i64',
              '  return',
              '}']
    open(os.path.join(out, name + '.upstream.mlir'), 'w').write(text + '\n'.join(lines) + '\n')


def nk_contraction(m, n, k, elt):
    """%y = x W^T for %x M x K and %w N x K: a generic contraction whose body
    adds in `elt`, returned (the end of a form's function)."""
    return f"""  %zero = arith.constant 0.0 : {elt}
  %o = tensor.empty() : tensor<{m}x{n}x{elt}>
  %init = linalg.fill ins(%zero : {elt}) outs(%o : tensor<{m}x{n}x{elt}>) -> tensor<{m}x{n}x{elt}>
  %y = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%x, %w : tensor<{m}x{k}x{elt}>, tensor<{n}x{k}x{elt}>) outs(%init : tensor<{m}x{n}x{elt}>) {{
  ^bb0(%a: {elt}, %wk: {elt}, %acc: {elt}):
    %p = arith.mulf %a, %wk : {elt}
    %r = arith.addf %acc, %p : {elt}
    linalg.yield %r : {elt}
  }} -> tensor<{m}x{n}x{elt}>
  return %y : tensor<{m}x{n}x{elt}>
}}
"""


def halves(shape):
    return (rng.integers(-8, 9, shape) / 2).astype(np.float32)


def pow2(shape):
    return (2.0 ** rng.integers(-2, 2, shape)).astype(np.float32)


N, G, KG, M = 16, 32, 2, 3
K = G * KG

# --- IREE ---------------------------------------------------------------------
q = rng.integers(0, 16, (N, KG, G))
s = pow2((N, KG))
z = rng.integers(0, 16, (N, KG)).astype(np.float32)
x = halves((1, M, KG, G))
w = (q - z[:, :, None]) * s[:, :, None]
ref = np.einsum('abij,nij->abn', x.astype(np.float64), w).astype(np.float32)
qi4 = np.where(q > 7, q - 16, q)  # the i4 bit patterns
save('iree_grouped', [x, s, z], ref, f'''
#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
#map3 = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>
#map4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
func.func @iree_grouped(%x: tensor<1x{M}x{KG}x{G}xf32>, %s: tensor<{N}x{KG}xf32>, %z: tensor<{N}x{KG}xf32>) -> tensor<1x{M}x{N}xf32> {{
  %q = arith.constant {dense(qi4, 'i4')}
  %cst = arith.constant 0.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x{M}x{N}xf32>
  %1 = tensor.empty() : tensor<{N}x{KG}x{G}xf32>
  %2 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x{M}x{N}xf32>) -> tensor<1x{M}x{N}xf32>
  %3 = linalg.generic {{indexing_maps = [#map, #map1, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]}} ins(%q, %s, %z : tensor<{N}x{KG}x{G}xi4>, tensor<{N}x{KG}xf32>, tensor<{N}x{KG}xf32>) outs(%1 : tensor<{N}x{KG}x{G}xf32>) {{
  ^bb0(%in: i4, %in_0: f32, %in_1: f32, %out: f32):
    %5 = arith.extui %in : i4 to i32
    %6 = arith.uitofp %5 : i32 to f32
    %7 = arith.subf %6, %in_1 : f32
    %8 = arith.mulf %7, %in_0 : f32
    linalg.yield %8 : f32
  }} -> tensor<{N}x{KG}x{G}xf32>
  %4 = linalg.generic {{indexing_maps = [#map2, #map3, #map4], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}} ins(%x, %3 : tensor<1x{M}x{KG}x{G}xf32>, tensor<{N}x{KG}x{G}xf32>) outs(%2 : tensor<1x{M}x{N}xf32>) {{
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %5 = arith.mulf %in, %in_0 : f32
    %6 = arith.addf %5, %out : f32
    linalg.yield %6 : f32
  }} -> tensor<1x{M}x{N}xf32>
  return %4 : tensor<1x{M}x{N}xf32>
}}
''')

# --- torch-mlir -------------------------------------------------------------------
q = rng.integers(-8, 8, (N, KG, G))
s = pow2((N, KG, 1))
z = rng.integers(-8, 8, (N, KG, 1)).astype(np.float32)
x = halves((M, KG, G))
w = (q - z) * s
ref = np.einsum('mij,nij->mn', x.astype(np.float64), w).astype(np.float32)
save('torch_grouped', [x], ref, f'''
#dq_codes = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#dq_param = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#mm_act = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#mm_w = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
#mm_out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
func.func @torch_grouped(%x: tensor<{M}x{KG}x{G}xf32>) -> tensor<{M}x{N}xf32> {{
  %q = arith.constant {dense(q, 'i4')}
  %s = arith.constant {dense(s, 'f32')}
  %z = arith.constant {dense(z, 'f32')}
  %e = tensor.empty() : tensor<{N}x{KG}x{G}xf32>
  %w = linalg.generic {{indexing_maps = [#dq_codes, #dq_param, #dq_param, #dq_codes], iterator_types = ["parallel", "parallel", "parallel"]}} ins(%q, %s, %z : tensor<{N}x{KG}x{G}xi4>, tensor<{N}x{KG}x1xf32>, tensor<{N}x{KG}x1xf32>) outs(%e : tensor<{N}x{KG}x{G}xf32>) {{
  ^bb0(%c: i4, %sc: f32, %zp: f32, %o: f32):
    %i = arith.extsi %c : i4 to i32
    %f = arith.sitofp %i : i32 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  }} -> tensor<{N}x{KG}x{G}xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<{M}x{N}xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %y = linalg.generic {{indexing_maps = [#mm_act, #mm_w, #mm_out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}} ins(%x, %w : tensor<{M}x{KG}x{G}xf32>, tensor<{N}x{KG}x{G}xf32>) outs(%init : tensor<{M}x{N}xf32>) {{
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }} -> tensor<{M}x{N}xf32>
  return %y : tensor<{M}x{N}xf32>
}}
''')

# --- K x N, u8 groups along K ---------------------------------------------------------
q = rng.integers(0, 256, (K, N))
s = pow2((KG, N)) / 64
z = rng.integers(100, 156, (KG, N)).astype(np.float32)
x = halves((M, K))
w = (q - np.repeat(z, G, 0)) * np.repeat(s, G, 0)
ref = (x.astype(np.float64) @ w).astype(np.float32)
q8 = np.where(q > 127, q - 256, q)
save('kn_grouped', [x], ref, f'''
func.func @kn_grouped(%x: tensor<{M}x{K}xf32>) -> tensor<{M}x{N}xf32> {{
  %q = arith.constant {dense(q8, 'i8')}
  %s = arith.constant {dense(s.astype(np.float32), 'f32')}
  %z = arith.constant {dense(z, 'f32')}
  %e = tensor.empty() : tensor<{K}x{N}xf32>
  %w = linalg.generic {{indexing_maps = [affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k floordiv {G}, n)>, affine_map<(k, n) -> (k floordiv {G}, n)>, affine_map<(k, n) -> (k, n)>], iterator_types = ["parallel", "parallel"]}} ins(%q, %s, %z : tensor<{K}x{N}xi8>, tensor<{KG}x{N}xf32>, tensor<{KG}x{N}xf32>) outs(%e : tensor<{K}x{N}xf32>) {{
  ^bb0(%c: i8, %sc: f32, %zp: f32, %o: f32):
    %f = arith.uitofp %c : i8 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  }} -> tensor<{K}x{N}xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<{M}x{N}xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %y = linalg.matmul ins(%x, %w : tensor<{M}x{K}xf32>, tensor<{K}x{N}xf32>) outs(%init : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  return %y : tensor<{M}x{N}xf32>
}}
''')

# --- linalg.quantized_matmul, run-time zero points, accumulator ---------------------------
a = rng.integers(-128, 128, (M, K)).astype(np.int8)
b = rng.integers(-128, 128, (K, N)).astype(np.int8)
acc = rng.integers(-1000, 1000, (M, N)).astype(np.int32)
za, zb = np.array([5], np.int32), np.array([-300], np.int32)  # zb outside i8
ref = (acc.astype(np.int64) + (a.astype(np.int64) - za[0]) @ (b.astype(np.int64) - zb[0])).astype(np.int32)
save('qmm_runtime', [a, za, zb, acc], ref, f'''
func.func @qmm_runtime(%a: tensor<{M}x{K}xi8>, %za: tensor<1xi32>, %zb: tensor<1xi32>, %acc: tensor<{M}x{N}xi32>) -> tensor<{M}x{N}xi32> {{
  %b = arith.constant {dense(b, 'i8')}
  %c0 = arith.constant 0 : index
  %za0 = tensor.extract %za[%c0] : tensor<1xi32>
  %zb0 = tensor.extract %zb[%c0] : tensor<1xi32>
  %y = linalg.quantized_matmul ins(%a, %b, %za0, %zb0 : tensor<{M}x{K}xi8>, tensor<{K}x{N}xi8>, i32, i32) outs(%acc : tensor<{M}x{N}xi32>) -> tensor<{M}x{N}xi32>
  return %y : tensor<{M}x{N}xi32>
}}
''')

# --- linalg.quantized_batch_matmul --------------------------------------------------------
B = 2
a = rng.integers(-128, 128, (B, M, K)).astype(np.int8)
b = rng.integers(-128, 128, (B, K, N)).astype(np.int8)
ref = np.einsum('bmk,bkn->bmn', a.astype(np.int64) - 7, b.astype(np.int64) + 3).astype(np.int32)
save('qbmm', [a, b], ref, f'''
func.func @qbmm(%a: tensor<{B}x{M}x{K}xi8>, %b: tensor<{B}x{K}x{N}xi8>) -> tensor<{B}x{M}x{N}xi32> {{
  %za = arith.constant 7 : i32
  %zb = arith.constant -3 : i32
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<{B}x{M}x{N}xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<{B}x{M}x{N}xi32>) -> tensor<{B}x{M}x{N}xi32>
  %y = linalg.quantized_batch_matmul ins(%a, %b, %za, %zb : tensor<{B}x{M}x{K}xi8>, tensor<{B}x{K}x{N}xi8>, i32, i32) outs(%f : tensor<{B}x{M}x{N}xi32>) -> tensor<{B}x{M}x{N}xi32>
  return %y : tensor<{B}x{M}x{N}xi32>
}}
''')

# --- f16 model: the source accumulates in f16 -------------------------------------------
K16, G16 = 256, 64
q = rng.integers(-8, 8, (N, K16))
s = (2.0 ** rng.integers(-1, 2, (N, K16 // G16))).astype(np.float16)
x = (rng.integers(-16, 17, (M, K16)) / 4).astype(np.float16)
w = (q * np.repeat(s.astype(np.float64), G16, 1)).astype(np.float16)
seq = np.zeros((M, N), np.float16)
for k in range(K16):  # numpy's f16 operations round each result to f16
    seq = seq + x[:, k:k + 1] * w[:, k][None, :]
once = (x.astype(np.float64) @ w.T.astype(np.float64)).astype(np.float16)
assert (seq != once).sum() > 0, 'the two accumulations should differ'
np.save(os.path.join(out, 'f16_once.ref0.npy'), once)
save('f16_grouped', [x], seq, f"""
func.func @f16_grouped(%x: tensor<{M}x{K16}xf16>) -> tensor<{M}x{N}xf16> {{
  %q = arith.constant {dense(q, 'i4')}
  %s = arith.constant {dense(s.astype(np.float32), 'f16')}
  %e = tensor.empty() : tensor<{N}x{K16}xf16>
  %w = linalg.generic {{indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n, k floordiv {G16})>, affine_map<(n, k) -> (n, k)>], iterator_types = ["parallel", "parallel"]}} ins(%q, %s : tensor<{N}x{K16}xi4>, tensor<{N}x{K16 // G16}xf16>) outs(%e : tensor<{N}x{K16}xf16>) {{
  ^bb0(%c: i4, %sc: f16, %o: f16):
    %f = arith.sitofp %c : i4 to f16
    %m = arith.mulf %f, %sc : f16
    linalg.yield %m : f16
  }} -> tensor<{N}x{K16}xf16>
""" + nk_contraction(M, N, K16, 'f16'))
print('f16_grouped: %d of %d results differ between f16 and f32 accumulation'
      % ((seq != once).sum(), seq.size))

# --- i8-packed nibbles as an argument -----------------------------------------------------
q = rng.integers(0, 16, (N, K))
packed = (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8).view(np.int8)
s = pow2((N, KG))
z = rng.integers(0, 16, (N, KG)).astype(np.float32)
x = halves((M, K))
w = (q - np.repeat(z, G, 1)) * np.repeat(s, G, 1)
ref = (x.astype(np.float64) @ w.T).astype(np.float32)
save('nibble_packed', [packed, x], ref, f"""
func.func @nibble_packed(%b: tensor<{N}x{K // 2}xi8>, %x: tensor<{M}x{K}xf32>) -> tensor<{M}x{N}xf32> {{
  %s = arith.constant {dense(s, 'f32')}
  %z = arith.constant {dense(z, 'f32')}
  %ec = tensor.empty() : tensor<{N}x{K}xi32>
  %q = linalg.generic {{indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>], iterator_types = ["parallel", "parallel"]}} ins(%b : tensor<{N}x{K // 2}xi8>) outs(%ec : tensor<{N}x{K}xi32>) {{
  ^bb0(%byte: i8, %o: i32):
    %k = linalg.index 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %p = arith.remui %k, %c2 : index
    %pi = arith.index_cast %p : index to i32
    %sh = arith.muli %pi, %c4 : i32
    %wide = arith.extui %byte : i8 to i32
    %v = arith.shrui %wide, %sh : i32
    %n = arith.andi %v, %c15 : i32
    linalg.yield %n : i32
  }} -> tensor<{N}x{K}xi32>
  %e = tensor.empty() : tensor<{N}x{K}xf32>
  %w = linalg.generic {{indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n, k floordiv {G})>, affine_map<(n, k) -> (n, k floordiv {G})>, affine_map<(n, k) -> (n, k)>], iterator_types = ["parallel", "parallel"]}} ins(%q, %s, %z : tensor<{N}x{K}xi32>, tensor<{N}x{KG}xf32>, tensor<{N}x{KG}xf32>) outs(%e : tensor<{N}x{K}xf32>) {{
  ^bb0(%c: i32, %sc: f32, %zp: f32, %o: f32):
    %f = arith.uitofp %c : i32 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  }} -> tensor<{N}x{K}xf32>
""" + nk_contraction(M, N, K, 'f32'))
