// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization | FileCheck %s

// Signed per-channel int8 (sitofp straight from i8), scale on the left.
// CHECK-LABEL: func @per_channel_signed
//       CHECK:   %[[D:.*]] = quantx.dequantize %arg0 as #quantx.scheme<i8, axis = 0> scale(%arg1 : tensor<4xf16>) : tensor<4x8xi8> -> tensor<4x8xf16>
//       CHECK:   return %[[D]]
func.func @per_channel_signed(%q: tensor<4x8xi8>, %s: tensor<4xf16>) -> tensor<4x8xf16> {
  %e = tensor.empty() : tensor<4x8xf16>
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s : tensor<4x8xi8>, tensor<4xf16>) outs(%e : tensor<4x8xf16>) {
  ^bb0(%c: i8, %sc: f16, %o: f16):
    %f = arith.sitofp %c : i8 to f16
    %m = arith.mulf %sc, %f : f16
    linalg.yield %m : f16
  } -> tensor<4x8xf16>
  return %w : tensor<4x8xf16>
}

// -----

// Per tensor, unsigned through extui + sitofp (the value is non-negative).
// CHECK-LABEL: func @per_tensor_unsigned
//       CHECK:   quantx.dequantize %arg0 as #quantx.scheme<u4> scale(%arg1 : tensor<f32>) : tensor<?x8xi4> -> tensor<?x8xf32>
func.func @per_tensor_unsigned(%q: tensor<?x8xi4>, %s: tensor<f32>, %e: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> ()>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s : tensor<?x8xi4>, tensor<f32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%c: i4, %sc: f32, %o: f32):
    %c32 = arith.extui %c : i4 to i32
    %f = arith.sitofp %c32 : i32 to f32
    %m = arith.mulf %f, %sc : f32
    linalg.yield %m : f32
  } -> tensor<?x8xf32>
  return %w : tensor<?x8xf32>
}

// -----

// Not expressible, left as they are: a zero point that is not an integer
// code, and an extra operation in the body.
// CHECK-LABEL: func @not_raised
//   CHECK-NOT:   quantx.dequantize
//       CHECK:   linalg.generic
//       CHECK:   linalg.generic
func.func @not_raised(%q: tensor<2x4xi8>, %s: tensor<2xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %z = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n)>, affine_map<(n, k) -> (n)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s, %z : tensor<2x4xi8>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%c: i8, %sc: f32, %zp: f32, %o: f32):
    %f = arith.sitofp %c : i8 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s : tensor<2x4xi8>, tensor<2xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%c: i8, %sc: f32, %o: f32):
    %f = arith.sitofp %c : i8 to f32
    %m = arith.mulf %f, %sc : f32
    %n = arith.negf %m : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  return %a, %b : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Upstream quant.dcast feeding a matmul: imported, then fused.
// RUN: quant-opt %s -split-input-file --quantx-from-quant --canonicalize --quantx-form-quantized-matmul --canonicalize | FileCheck %s --check-prefix=DCAST
// DCAST-LABEL: func @dcast_weight
//       DCAST:   %[[W:.*]] = quant.scast %arg1 : tensor<4x8x!quant.uniform<i8:f32:0, {{.*}}>> to tensor<4x8xi8>
//       DCAST:   quantx.matmul %arg0, %[[W]] weight(#quantx.scheme<i8, axis = 0> scale
func.func @dcast_weight(%x: tensor<2x8xf32>, %wq: tensor<4x8x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>) -> tensor<2x4xf32> {
  %w = quant.dcast %wq : tensor<4x8x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> to tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<2x8xf32>, tensor<4x8xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
