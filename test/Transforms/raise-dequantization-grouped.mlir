// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization="assume-integer-zero-points=true" | FileCheck %s --check-prefix=ASSUME
// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization="assume-integer-zero-points=true" --quantx-form-quantized-matmul --canonicalize | FileCheck %s --check-prefix=FORM

// IREE's grouped layout (GlobalOptimization's dequantization + matmul
// form): u4 codes N x K/G x G, scales and zero points N x K/G through
// (d0, d1), both function arguments, a contraction with two reduction
// dimensions and unit batch dimensions. A run-time float zero point is
// only raised when asked (it is converted to codes at run time).
// CHECK-LABEL: func @iree_grouped
//   CHECK-NOT:   quantx.dequantize
// ASSUME-LABEL: func @iree_grouped
//       ASSUME:   %[[Z:.*]] = arith.fptoui %arg3 : tensor<16x4xf32> to tensor<16x4xi4>
//       ASSUME:   %[[Q:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<16x4x32xi4> into tensor<16x128xi4>
//       ASSUME:   %[[D:.*]] = quantx.dequantize %[[Q]] as #quantx.scheme<u4, axis = 1, group = 32> scale(%arg2 : tensor<16x4xf32>) zero_point(%[[Z]] : tensor<16x4xi4>) : tensor<16x128xi4> -> tensor<16x128xf32>
//       ASSUME:   %[[X:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2, 3]] : tensor<1x1x4x32xf32> into tensor<1x128xf32>
//       ASSUME:   linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[D]] : tensor<1x128xf32>, tensor<16x128xf32>)
// FORM-LABEL: func @iree_grouped
//       FORM:   %[[P:.*]] = quantx.pack %{{.*}} : tensor<16x128xi4> -> tensor<16x64xi8>
//       FORM:   quantx.matmul %{{.*}}, %[[P]] weight(#quantx.scheme<u4, axis = 1, group = 32> scale %arg2 zero_point %{{.*}}) : (tensor<1x128xf32>, tensor<16x64xi8>, tensor<16x4xf32>, tensor<16x4xi4>) -> tensor<1x16xf32>
//   FORM-NOT:   linalg.generic
#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
#map3 = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>
#map4 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
func.func @iree_grouped(%arg0: tensor<16x4x32xi4>, %arg1: tensor<1x1x4x32xf32>, %arg2: tensor<16x4xf32>, %arg3: tensor<16x4xf32>) -> tensor<1x1x16xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x1x16xf32>
  %1 = tensor.empty() : tensor<16x4x32xf32>
  %2 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x1x16xf32>) -> tensor<1x1x16xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map1, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %arg2, %arg3 : tensor<16x4x32xi4>, tensor<16x4xf32>, tensor<16x4xf32>) outs(%1 : tensor<16x4x32xf32>) {
  ^bb0(%in: i4, %in_0: f32, %in_1: f32, %out: f32):
    %5 = arith.extui %in : i4 to i32
    %6 = arith.uitofp %5 : i32 to f32
    %7 = arith.subf %6, %in_1 : f32
    %8 = arith.mulf %7, %in_0 : f32
    linalg.yield %8 : f32
  } -> tensor<16x4x32xf32>
  %4 = linalg.generic {indexing_maps = [#map2, #map3, #map4], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%arg1, %3 : tensor<1x1x4x32xf32>, tensor<16x4x32xf32>) outs(%2 : tensor<1x1x16xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %5 = arith.mulf %in, %in_0 : f32
    %6 = arith.addf %5, %out : f32
    linalg.yield %6 : f32
  } -> tensor<1x1x16xf32>
  return %4 : tensor<1x1x16xf32>
}

// -----

// torch-mlir's unpacked form: signed i4 codes, constant f16 scales and zero
// points N x K/G x 1 read through (d0, d1, 0), f16 activations.
// CHECK-LABEL: func @torch_grouped
//   CHECK-DAG:   %[[Z:.*]] = arith.constant dense<{{\[\[}}-1, 2], [0, 3]]> : tensor<2x2xi4>
//   CHECK-DAG:   %[[S:.*]] = tensor.collapse_shape %arg2 {{\[\[}}0], [1, 2]] : tensor<2x2x1xf16> into tensor<2x2xf16>
//   CHECK-DAG:   %[[Q:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0], [1, 2]] : tensor<2x2x16xi4> into tensor<2x32xi4>
//       CHECK:   %[[D:.*]] = quantx.dequantize %[[Q]] as #quantx.scheme<i4, axis = 1, group = 16> scale(%[[S]] : tensor<2x2xf16>) zero_point(%[[Z]] : tensor<2x2xi4>) : tensor<2x32xi4> -> tensor<2x32xf16>
//       CHECK:   iterator_types = ["parallel", "parallel", "reduction"]
// FORM-LABEL: func @torch_grouped
//       FORM:   quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i4, axis = 1, group = 16> scale %{{.*}} zero_point %{{.*}}) : (tensor<3x32xf16>, tensor<2x16xi8>, tensor<2x2xf16>, tensor<2x2xi4>) -> tensor<3x2xf16>
func.func @torch_grouped(%x: tensor<3x2x16xf16>, %q: tensor<2x2x16xi4>, %s: tensor<2x2x1xf16>) -> tensor<3x2xf16> {
  %z = arith.constant dense<[[[-1.0], [2.0]], [[0.0], [3.0]]]> : tensor<2x2x1xf16>
  %e = tensor.empty() : tensor<2x2x16xf16>
  %w = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>,
                                        affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %s, %z : tensor<2x2x16xi4>, tensor<2x2x1xf16>, tensor<2x2x1xf16>) outs(%e : tensor<2x2x16xf16>) {
  ^bb0(%c: i4, %sc: f16, %zp: f16, %o: f16):
    %i = arith.extsi %c : i4 to i32
    %f = arith.sitofp %i : i32 to f16
    %d = arith.subf %f, %zp : f16
    %m = arith.mulf %d, %sc : f16
    linalg.yield %m : f16
  } -> tensor<2x2x16xf16>
  %zero = arith.constant 0.0 : f16
  %o = tensor.empty() : tensor<3x2xf16>
  %init = linalg.fill ins(%zero : f16) outs(%o : tensor<3x2xf16>) -> tensor<3x2xf16>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>,
                                        affine_map<(d0, d1, d2, d3) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<3x2x16xf16>, tensor<2x2x16xf16>) outs(%init : tensor<3x2xf16>) {
  ^bb0(%a: f16, %b: f16, %acc: f16):
    %p = arith.mulf %a, %b : f16
    %r = arith.addf %acc, %p : f16
    linalg.yield %r : f16
  } -> tensor<3x2xf16>
  return %y : tensor<3x2xf16>
}

// -----

// A contraction that reads no raised weight keeps its dimensions.
// CHECK-LABEL: func @float_contraction
//       CHECK:   iterator_types = ["parallel", "parallel", "reduction", "reduction"]
func.func @float_contraction(%x: tensor<3x2x16xf32>, %w: tensor<2x2x16xf32>, %init: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>,
                                        affine_map<(d0, d1, d2, d3) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<3x2x16xf32>, tensor<2x2x16xf32>) outs(%init : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
