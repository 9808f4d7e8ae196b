// RUN: quant-opt %s -split-input-file --quantx-ptq="scheme=w8a8-dynamic" 2>/dev/null | FileCheck %s --check-prefix=W8A8
// RUN: quant-opt %s -split-input-file --quantx-ptq="scheme=w4a16" 2>/dev/null | FileCheck %s --check-prefix=W4
// RUN: quant-opt %s -split-input-file --quantx-ptq="scheme=w8a8-dynamic" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK-W8A8
// RUN: quant-opt %s -split-input-file --quantx-ptq="scheme=w4a16" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK-W4

// A weight quantized with upstream quant types keeps its codes and scheme
// under any recipe (never re-quantized); a remark says so. Its per-channel
// i8 scheme pairs with the recipe's quantized activations (W8A8), and stays
// weight-only under a weight-only recipe.
// REMARK-W8A8: remark: 'dcast_weight.matmul.0' keeps the quantized weight it was given (#quantx.scheme<i8, axis = 0>)
// W8A8-LABEL: func @dcast_weight
//       W8A8:   %[[W:.*]] = quant.scast %arg1
//       W8A8:   %[[A:.*]] = quantx.quantize %arg0 as #quantx.scheme<i8>
//       W8A8:   quantx.matmul %[[A]], %[[W]] weight(#quantx.scheme<i8, axis = 0> scale %{{.*}}) input(#quantx.scheme<i8> scale %{{.*}})
// REMARK-W4: remark: 'dcast_weight.matmul.0' keeps the quantized weight it was given (#quantx.scheme<i8, axis = 0>)
// W4-LABEL: func @dcast_weight
//       W4:   %[[W:.*]] = quant.scast %arg1
//       W4:   quantx.matmul %arg0, %[[W]] weight(#quantx.scheme<i8, axis = 0> scale %{{.*}}) : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @dcast_weight(%x: tensor<2x8xf32>, %wq: tensor<4x8x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>) -> tensor<2x4xf32> {
  %w = quant.dcast %wq : tensor<4x8x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> to tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<2x8xf32>, tensor<4x8xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A frontend's 4-bit grouped weight under a W8A8 recipe: the codes are
// kept and the activations stay float (no quantized-activation matmul for
// 4-bit groups).
// REMARK-W8A8: remark: 'grouped.matmul.0' keeps the quantized weight it was given (#quantx.scheme<u4, axis = 1, group = 4>); its activations stay float
// W8A8-LABEL: func @grouped
//   W8A8-NOT:   quantx.quantize
//       W8A8:   quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<u4, axis = 1, group = 4> scale
func.func @grouped(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %q = arith.constant dense<[[1, 2, 3, 4, -2, -1, -1, 7], [0, -8, -8, 0, 0, 0, 1, 1]]> : tensor<2x8xi4>
  %s = arith.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x8xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n, k floordiv 4)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s : tensor<2x8xi4>, tensor<2x2xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%c: i4, %sc: f32, %o: f32):
    %c32 = arith.extui %c : i4 to i32
    %f = arith.uitofp %c32 : i32 to f32
    %m = arith.mulf %f, %sc : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x8xf32>, tensor<2x8xf32>) outs(%init : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
