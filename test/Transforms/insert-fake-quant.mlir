// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant | FileCheck %s --check-prefix=W8A8
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w4a16 group-size=2" | FileCheck %s --check-prefix=W4
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w4a16-nf4 group-size=4" | FileCheck %s --check-prefix=NF4
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=fp8" | FileCheck %s --check-prefix=FP8
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w8a8-dynamic" | FileCheck %s --check-prefix=DYN
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w8a16 skip-first=true" | FileCheck %s --check-prefix=SKIP
// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w8a8-dynamic-row" | FileCheck %s --check-prefix=ROW
// RUN: quant-opt %s -split-input-file --quantx-ptq="scheme=w8a16" | FileCheck %s --check-prefix=PTQ

// Weight W (2x4, N x K) used as `x * W^T`; the op is named by its location.
// Absmax per output channel: 4 and 2 -> int8 scales 4/127, 2/127.
// Groups of 2 along K: row 0 absmax (2, 4), row 1 (0.5, 2) -> int4 scales /7.
// NF4 groups of 4: scales are the absmax itself (4, 2).
// For FP8 the scales are the per-channel absmax / 448.

// W8A8-LABEL: func @linear
//       W8A8:   %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x4xf32>
//       W8A8:   %[[S:.*]] = arith.constant dense<[0.0314960629, 0.0157480314]> : tensor<2xf32>
//       W8A8:   %[[OBS:.*]] = quantx.observe "fc1.input" %arg0 axis 1 : tensor<?x4xf32>
//       W8A8:   %[[FQ:.*]] = quantx.fake_quant %[[W]] as #quantx.scheme<i8, axis = 0> scale(%[[S]] : tensor<2xf32>)
//       W8A8:   linalg.matmul {{.*}} ins(%[[OBS]], %[[FQ]] :

// W4-LABEL: func @linear
//       W4:   %[[S:.*]] = arith.constant dense<{{\[\[}}0.285714298, 0.571428597], [0.0714285746, 0.285714298]]> : tensor<2x2xf32>
//       W4:   %[[FQ:.*]] = quantx.fake_quant %{{.*}} as #quantx.scheme<i4, axis = 1, group = 2> scale(%[[S]] : tensor<2x2xf32>)
//   W4-NOT:   quantx.observe
//       W4:   linalg.matmul {{.*}} ins(%arg0, %[[FQ]] :

// NF4-LABEL: func @linear
//       NF4:   %[[S:.*]] = arith.constant dense<{{\[\[}}4.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
//       NF4:   quantx.fake_quant %{{.*}} as #quantx.scheme<nf4, axis = 1, group = 4> scale(%[[S]] : tensor<2x1xf32>)

// FP8-LABEL: func @linear
//       FP8:   arith.constant dense<[0.00892857183, 0.00446428591]> : tensor<2xf32>
//       FP8:   quantx.observe "fc1.input"
//       FP8:   quantx.fake_quant %{{.*}} as #quantx.scheme<f8E4M3FN, axis = 0>

// Dynamic activations: the per-tensor scale is absmax / 127 computed at run time.
// DYN-LABEL: func @linear
//       DYN:   linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%arg0 : tensor<?x4xf32>)
//       DYN:     math.absf
//       DYN:     arith.maximumf
//       DYN:   %[[AS:.*]] = linalg.generic
//       DYN:     arith.divf %{{.*}}, %{{.*}} : f32
//       DYN:   %[[AFQ:.*]] = quantx.fake_quant %arg0 as #quantx.scheme<i8> scale(%[[AS]] : tensor<f32>)
//       DYN:   %[[WFQ:.*]] = quantx.fake_quant %{{.*}} as #quantx.scheme<i8, axis = 0>
//       DYN:   linalg.matmul {{.*}} ins(%[[AFQ]], %[[WFQ]] :

// Per-row (per-token) dynamic scales: absmax over K for each row.
// ROW-LABEL: func @linear
//       ROW:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<?x4xf32>)
//       ROW:   %[[AS:.*]] = linalg.generic
//       ROW:   quantx.fake_quant %arg0 as #quantx.scheme<i8, axis = 0> scale(%[[AS]] : tensor<?xf32>)

// SKIP-LABEL: func @linear
//   SKIP-NOT:   quantx.{{fake_quant|observe}}
//       SKIP:   return
func.func @linear(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 0.5, 4.0], [0.25, 0.5, -1.0, 2.0]]> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x4xf32>, tensor<2x4xf32>) outs(%i : tensor<?x2xf32>) -> tensor<?x2xf32> loc("fc1")
  return %y : tensor<?x2xf32>
}

// -----

// A K x N weight (plain linalg.matmul): the output channel is dimension 1.
// Weights that are function arguments get run-time per-channel scales.
// W8A8-LABEL: func @kn_weight_argument
//       W8A8:   %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%arg1 : tensor<4x3xf32>)
//       W8A8:   %[[S:.*]] = linalg.generic {{.*}} ins(%[[R]] : tensor<3xf32>)
//       W8A8:   quantx.observe "kn_weight_argument.matmul.0.input"
//       W8A8:   quantx.fake_quant %arg1 as #quantx.scheme<i8, axis = 1> scale(%[[S]] : tensor<3xf32>)
// Group-wise weights must be constants: this one stays in float.
// W4-LABEL: func @kn_weight_argument
//   W4-NOT:   quantx.{{fake_quant|observe}}
func.func @kn_weight_argument(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %o: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%o : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Attention-like batch_matmul of two activations is left alone; a generic
// contraction with a constant weight is handled like linalg.matmul.
// W8A8-LABEL: func @batch_and_generic
//       W8A8:   linalg.batch_matmul {quantx.kept_float = "its second operand has batch dimensions and is not a constant weight (e.g. attention scores)"} ins(%arg0, %arg1 :
//       W8A8:   quantx.observe "batch_and_generic.generic.1.input"
//       W8A8:   quantx.fake_quant %{{.*}} as #quantx.scheme<i8, axis = 1>
//       W8A8:   linalg.generic
// For a K x N weight, int4 groups run along dimension 0.
// W4-LABEL: func @batch_and_generic
//       W4:   quantx.fake_quant %{{.*}} as #quantx.scheme<i4, axis = 0, group = 2>
func.func @batch_and_generic(%q: tensor<2x3x4xf32>, %k: tensor<2x4x5xf32>, %o: tensor<2x3x5xf32>, %x: tensor<3x4xf32>, %o2: tensor<3x2xf32>) -> (tensor<2x3x5xf32>, tensor<3x2xf32>) {
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%o : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%o2 : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %c, %p : f32
    linalg.yield %r : f32
  } -> tensor<3x2xf32>
  return %s, %y : tensor<2x3x5xf32>, tensor<3x2xf32>
}

// -----

// Weights in dense_resource blobs are constants too, and --quantx-ptq
// quantizes them at compile time. Blob: 2x4 f32
// [[1, -2, 0.5, 4], [0.25, 0.5, -1, 2]] (little endian, after the 4-byte
// alignment header); codes = round(w / (absmax / 127)).
// W8A8-LABEL: func @resource_weight
//       W8A8:   arith.constant dense<[0.0314960629, 0.0157480314]> : tensor<2xf32>
//       W8A8:   quantx.fake_quant %{{.*}} as #quantx.scheme<i8, axis = 0>
// PTQ-LABEL: func @resource_weight
//       PTQ:   arith.constant dense<{{\[\[}}32, -64, 16, 127], [16, 32, -64, 127]]> : tensor<2x4xi8>
//       PTQ:   quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8, axis = 0>
//   PTQ-NOT:   dense_resource
func.func @resource_weight(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %z = arith.constant 0.0 : f32
  %i = linalg.fill ins(%z : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %w = arith.constant dense_resource<weights> : tensor<2x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000C00000003F000080400000803E0000003F000080BF00000040"
    }
  }
#-}

// -----

// Inlined copies of one layer share a location name; each op still gets its
// own observer name. f64 contractions are not candidates.
// W8A8-LABEL: func @inlined_twice
//       W8A8:   quantx.observe "proj.input"
//       W8A8:   quantx.observe "proj#1.input"
//   W8A8-NOT:   quantx.observe
//       W8A8:   linalg.matmul ins(%arg1, %arg2 : tensor<2x2xf64>, tensor<2x2xf64>)
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @inlined_twice(%x: tensor<1x4xf32>, %a: tensor<2x2xf64>, %b: tensor<2x2xf64>, %o: tensor<1x4xf32>, %o64: tensor<2x2xf64>) -> (tensor<1x4xf32>, tensor<2x2xf64>) {
  %w = arith.constant dense<1.0> : tensor<4x4xf32>
  %y1 = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32> loc(callsite("proj" at "model.py":3:0))
  %y2 = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%y1, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%o : tensor<1x4xf32>) -> tensor<1x4xf32> loc(callsite("proj" at "model.py":4:0))
  %z = linalg.matmul ins(%a, %b : tensor<2x2xf64>, tensor<2x2xf64>) outs(%o64 : tensor<2x2xf64>) -> tensor<2x2xf64>
  return %y2, %z : tensor<1x4xf32>, tensor<2x2xf64>
}
