// RUN: quant-opt %s -split-input-file -verify-diagnostics --quantx-qdq-to-fake-quant | FileCheck %s

// dequantize(quantize(x)) with the same scheme and parameters, back to x's
// type, is fake_quant(x); anything else stays (no diagnostic).

// CHECK-LABEL: func @same_values
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[S:.*]]: tensor<f32>, %[[Z:.*]]: tensor<i8>)
//       CHECK:   %[[F:.*]] = quantx.fake_quant %[[X]] as #quantx.scheme<i8> scale(%[[S]] : tensor<f32>) zero_point(%[[Z]] : tensor<i8>)
//  CHECK-NEXT:   return %[[F]]
func.func @same_values(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
  %d = quantx.dequantize %q as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Equal constants (two ops) are the same parameters; per-channel schemes too.
// CHECK-LABEL: func @equal_constants
//       CHECK:   quantx.fake_quant %{{.*}} as #quantx.scheme<i4, axis = 0> scale(%{{.*}} : tensor<2xf32>)
//   CHECK-NOT:   quantx.dequantize
func.func @equal_constants(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s0 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %s1 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %q = quantx.quantize %x as #quantx.scheme<i4, axis = 0> scale(%s0 : tensor<2xf32>) : tensor<2x4xf32> -> tensor<2x4xi4>
  %d = quantx.dequantize %q as #quantx.scheme<i4, axis = 0> scale(%s1 : tensor<2xf32>) : tensor<2x4xi4> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

// Different scales: a requantization, not a fake quant.
// CHECK-LABEL: func @different_scales
//       CHECK:   quantx.quantize
//       CHECK:   quantx.dequantize
//   CHECK-NOT:   quantx.fake_quant
func.func @different_scales(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s0 = arith.constant dense<0.5> : tensor<f32>
  %s1 = arith.constant dense<0.25> : tensor<f32>
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s0 : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  %d = quantx.dequantize %q as #quantx.scheme<i8> scale(%s1 : tensor<f32>) : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A zero point on one side only.
// CHECK-LABEL: func @zero_point_on_one_side
//   CHECK-NOT:   quantx.fake_quant
func.func @zero_point_on_one_side(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
  %d = quantx.dequantize %q as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Back to another float type (bf16 in, f32 out): not the identity on x's type.
// CHECK-LABEL: func @other_float_type
//   CHECK-NOT:   quantx.fake_quant
func.func @other_float_type(%x: tensor<4xbf16>, %s: tensor<f32>) -> tensor<4xf32> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xbf16> -> tensor<4xi8>
  %d = quantx.dequantize %q as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// The codes are used elsewhere: the fake_quant replaces the dequantize, the
// quantize stays for its other user.
// CHECK-LABEL: func @codes_used_elsewhere
//       CHECK:   %[[Q:.*]] = quantx.quantize
//       CHECK:   %[[F:.*]] = quantx.fake_quant
//       CHECK:   return %[[F]], %[[Q]]
func.func @codes_used_elsewhere(%x: tensor<4xf32>, %s: tensor<f32>) -> (tensor<4xf32>, tensor<4xi8>) {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  %d = quantx.dequantize %q as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xi8> -> tensor<4xf32>
  return %d, %q : tensor<4xf32>, tensor<4xi8>
}
