// RUN: quant-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(canonicalize{test-convergence}))' | FileCheck %s

// CHECK-LABEL: func @pack_of_unpack
//  CHECK-SAME:   (%[[P:.*]]: tensor<4x8xi8>)
//   CHECK-NOT:   quantx.
//       CHECK:   return %[[P]]
func.func @pack_of_unpack(%p: tensor<4x8xi8>) -> tensor<4x8xi8> {
  %0 = quantx.unpack %p : tensor<4x8xi8> -> tensor<4x16xi4>
  %1 = quantx.pack %0 : tensor<4x16xi4> -> tensor<4x8xi8>
  return %1 : tensor<4x8xi8>
}

// -----

// CHECK-LABEL: func @unpack_of_pack
//  CHECK-SAME:   (%[[Q:.*]]: tensor<?x16xi4>)
//   CHECK-NOT:   quantx.
//       CHECK:   return %[[Q]]
func.func @unpack_of_pack(%q: tensor<?x16xi4>) -> tensor<?x16xi4> {
  %0 = quantx.pack %q : tensor<?x16xi4> -> tensor<?x8xi8>
  %1 = quantx.unpack %0 : tensor<?x8xi8> -> tensor<?x16xi4>
  return %1 : tensor<?x16xi4>
}

// -----

// Different static shapes on the two sides: no fold.
// CHECK-LABEL: func @unpack_of_pack_cast
//       CHECK:   quantx.pack
//       CHECK:   quantx.unpack
func.func @unpack_of_pack_cast(%q: tensor<?x16xi4>) -> tensor<4x16xi4> {
  %0 = quantx.pack %q : tensor<?x16xi4> -> tensor<?x8xi8>
  %1 = quantx.unpack %0 : tensor<?x8xi8> -> tensor<4x16xi4>
  return %1 : tensor<4x16xi4>
}

// -----

// fake_quant carries quantization error on purpose: it is not folded, not
// even when applied twice or to a constant.
// CHECK-LABEL: func @fake_quant_kept
//       CHECK:   %[[A:.*]] = quantx.fake_quant %{{.*}} as #quantx.scheme<i8>
//       CHECK:   %[[B:.*]] = quantx.fake_quant %[[A]] as #quantx.scheme<i8>
//       CHECK:   %[[C:.*]] = quantx.fake_quant %{{.*}} as #quantx.scheme<i4>
//       CHECK:   return %[[B]], %[[C]]
func.func @fake_quant_kept(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = arith.constant dense<0.1> : tensor<f32>
  %c = arith.constant dense<[0.3, 0.6, 0.9, 1.2]> : tensor<4xf32>
  %0 = quantx.fake_quant %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  %1 = quantx.fake_quant %0 as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  %2 = quantx.fake_quant %c as #quantx.scheme<i4> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Observers have a write effect: they survive even when their result is
// unused, and two identical observers are not merged.
// CHECK-LABEL: func @observers_kept
//       CHECK:   quantx.observe "a"
//       CHECK:   quantx.observe "a"
func.func @observers_kept(%x: tensor<4xf32>) {
  %0 = quantx.observe "a" %x : tensor<4xf32>
  %1 = quantx.observe "a" %x : tensor<4xf32>
  return
}

// -----

// Constant codes pack at compile time, low nibble first:
// [1, 2, -1, 7] -> bytes [0x21, 0x7F] = [33, 127]; [-8, 0] -> [0x08] = 8.
// CHECK-LABEL: func @pack_constant
//       CHECK:   %[[C:.*]] = arith.constant dense<{{\[\[}}33, 127, 8]]> : tensor<1x3xi8>
//   CHECK-NOT:   quantx.pack
//       CHECK:   return %[[C]]
func.func @pack_constant() -> tensor<1x3xi8> {
  %q = arith.constant dense<[[1, 2, -1, 7, -8, 0]]> : tensor<1x6xi4>
  %p = quantx.pack %q : tensor<1x6xi4> -> tensor<1x3xi8>
  return %p : tensor<1x3xi8>
}

// -----

// A pack/unpack cycle (legal in a graph region) does not fold forever.
// CHECK-LABEL: module
module {
  %1 = quantx.pack %2 : tensor<4xi4> -> tensor<2xi8>
  %2 = quantx.unpack %1 : tensor<2xi8> -> tensor<4xi4>
}

// -----

// Splat codes pack to a splat: 3 and 3 -> 0x33 = 51.
// CHECK-LABEL: func @pack_splat
//       CHECK:   arith.constant dense<51> : tensor<2x8xi8>
func.func @pack_splat() -> tensor<2x8xi8> {
  %q = arith.constant dense<3> : tensor<2x16xi4>
  %p = quantx.pack %q : tensor<2x16xi4> -> tensor<2x8xi8>
  return %p : tensor<2x8xi8>
}
