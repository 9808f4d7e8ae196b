// RUN: quant-opt %s -split-input-file --quantx-form-quantized-matmul | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-form-quantized-matmul=fold-requantize=false | FileCheck %s --check-prefix=NOFOLD

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// Bias + ReLU after an integer matmul, quantized for the next layer: the
// bias is quantized to the accumulator's units, b / (sa * sw) =
// [1 / 0.25, -2 / 0.125] = [4, -16]; the scales fold into one per-channel
// multiplier (sa * sw) / so = [2, 1]; ReLU becomes max(q, zo) on u8 codes.
// CHECK-LABEL: func @bias_relu_requantize
//   CHECK-DAG:   %[[ZO:.*]] = arith.constant 10 : i8
//   CHECK-DAG:   %[[BQ:.*]] = arith.constant dense<[4, -16]> : tensor<2xi32>
//   CHECK-DAG:   %[[M:.*]] = arith.constant dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
//   CHECK-DAG:   %[[OZ:.*]] = arith.constant dense<10> : tensor<i8>
//       CHECK:   %[[Q:.*]] = quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8, axis = 0> scale %[[M]]) input(#quantx.scheme<i8> scale %[[ONE]]) bias(%[[BQ]]) output(#quantx.scheme<u8> scale %[[ONE]] zero_point %[[OZ]]) {{.*}} -> tensor<?x2xi8>
//       CHECK:   %[[R:.*]] = linalg.generic {{.*}} ins(%[[Q]] : tensor<?x2xi8>)
//       CHECK:     arith.maxui %{{.*}}, %[[ZO]] : i8
//   CHECK-NOT:   quantx.quantize
//       CHECK:   return %[[R]]
// NOFOLD-LABEL: func @bias_relu_requantize
//       NOFOLD:   %[[MM:.*]] = quantx.matmul {{.*}} bias(%{{.*}}) : {{.*}} -> tensor<?x2xf32>
//       NOFOLD:   %[[R:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<?x2xf32>)
//       NOFOLD:     arith.maximumf
//       NOFOLD:   quantx.quantize %[[R]]
func.func @bias_relu_requantize(%a: tensor<?x4xi8>) -> tensor<?x2xi8> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x4xi8>
  %w = arith.constant dense<[[1, 2, 3, -4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %as = arith.constant dense<0.5> : tensor<f32>
  %b = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %os = arith.constant dense<0.125> : tensor<f32>
  %oz = arith.constant dense<10> : tensor<i8>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<i8> scale %as) : (tensor<?x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %e = tensor.empty(%m) : tensor<?x2xf32>
  %z = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%0, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  %q = quantx.quantize %r as #quantx.scheme<u8> scale(%os : tensor<f32>) zero_point(%oz : tensor<i8>) : tensor<?x2xf32> -> tensor<?x2xi8>
  return %q : tensor<?x2xi8>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A weight-only matmul takes the bias (b + x order) exactly; nothing to
// requantize.
// CHECK-LABEL: func @weight_only_bias
//       CHECK:   %[[MM:.*]] = quantx.matmul %arg0, %arg1 weight(#quantx.scheme<i8> scale %arg2) bias(%arg3)
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[MM]]
func.func @weight_only_bias(%a: tensor<3x4xf32>, %w: tensor<2x4xi8>, %s: tensor<f32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>) -> tensor<3x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %r = linalg.generic {indexing_maps = [#col, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b, %0 : tensor<2xf32>, tensor<3x2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%bias: f32, %in: f32, %out: f32):
    %sum = arith.addf %bias, %in : f32
    linalg.yield %sum : f32
  } -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// Not folded: the matmul result has another user; the body does more than
// bias/ReLU; the bias is per row.
// CHECK-LABEL: func @not_folded
//   CHECK-NOT:   bias(
//       CHECK:   return
func.func @not_folded(%a: tensor<3x4xf32>, %w: tensor<2x4xi8>, %s: tensor<f32>, %b: tensor<2xf32>, %br: tensor<3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>) -> tensor<3x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%0, %b : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s1 = arith.addf %in, %bias : f32
    linalg.yield %s1 : f32
  } -> tensor<3x2xf32>
  %1 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>) -> tensor<3x2xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%1, %b : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s1 = arith.addf %in, %bias : f32
    %t = arith.mulf %s1, %s1 : f32
    linalg.yield %t : f32
  } -> tensor<3x2xf32>
  %2 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>) -> tensor<3x2xf32>
  %r2 = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0)>, #id], iterator_types = ["parallel", "parallel"]} ins(%2, %br : tensor<3x2xf32>, tensor<3xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s1 = arith.addf %in, %bias : f32
    linalg.yield %s1 : f32
  } -> tensor<3x2xf32>
  return %0, %r, %r1, %r2 : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Run-time input scales (dynamic quantization) stay; a non-constant bias is
// fused in f32 but cannot be quantized, so the quantize stays too.
// CHECK-LABEL: func @dynamic_scale
//       CHECK:   %[[MM:.*]] = quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8> scale %{{.*}}) input(#quantx.scheme<i8> scale %arg1) bias(%arg2) : {{.*}} -> tensor<3x2xf32>
//       CHECK:   quantx.quantize %[[MM]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @dynamic_scale(%a: tensor<3x4xi8>, %as: tensor<f32>, %b: tensor<2xf32>) -> tensor<3x2xi8> {
  %w = arith.constant dense<1> : tensor<2x4xi8>
  %ws = arith.constant dense<0.5> : tensor<f32>
  %os = arith.constant dense<0.25> : tensor<f32>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as) : (tensor<3x4xi8>, tensor<2x4xi8>, tensor<f32>, tensor<f32>) -> tensor<3x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%0, %b : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s1 = arith.addf %in, %bias : f32
    linalg.yield %s1 : f32
  } -> tensor<3x2xf32>
  %q = quantx.quantize %r as #quantx.scheme<i8> scale(%os : tensor<f32>) : tensor<3x2xf32> -> tensor<3x2xi8>
  return %q : tensor<3x2xi8>
}
