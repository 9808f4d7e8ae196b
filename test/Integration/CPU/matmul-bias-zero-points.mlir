// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Executed tests of zero-point corrections and bias in quantx.matmul.
// The lowering multiplies raw codes and applies zero points afterwards,
//   sum_k (A - za)(W - zw) = sum_k A W - za rowsum(W) - zw rowsum(A) + K za zw,
// precomputing the per-channel part when the weight is a constant. Each
// case runs twice: operands as function arguments (everything computed at
// run time) and as constants (the precomputed path); both must give the
// values below, which were computed by hand from the definition
// acc = sum_k (A - za)(W - zw) + bias (cross-checked with a few lines of
// plain Python), never copied from compiler output.
// u8 values live in signless i8 (255 is written -1).

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

// u8 input with zero point 3, per-channel weight zero points [1, -2],
// i32 bias [100, 200], sa = 0.5, sw = [0.5, 0.25].
//   A = [[10, 0, 255, 7], [1, 2, 3, 4]], W = [[1, 2, 3, -4], [5, 6, 7, 8]]
//   acc + bias = [[581, 2533], [94, 188]]
//   y = (acc + bias) * sa * sw = [[145.25, 316.625], [23.5, 23.5]]
func.func @zp_bias_args(%a: tensor<2x4xi8>, %w: tensor<2x4xi8>, %ws: tensor<2xf32>, %wz: tensor<2xi8>, %as: tensor<f32>, %az: tensor<i8>, %b: tensor<2xi32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as zero_point %az) bias(%b)
         : (tensor<2x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

func.func @zp_bias_const(%a: tensor<2x4xi8>, %as: tensor<f32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1, 2, 3, -4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = arith.constant dense<[1, -2]> : tensor<2xi8>
  %az = arith.constant dense<3> : tensor<i8>
  %b = arith.constant dense<[100, 200]> : tensor<2xi32>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as zero_point %az) bias(%b)
         : (tensor<2x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// The raw i32 accumulator (linalg.quantized_matmul), zero points -2 / 5:
//   A = [[-128, 127, 5, -3], [0, 1, -1, 100]]
//   W = [[127, -128, 3, 4], [1, 1, 1, 1], [-7, 0, 9, 2]]
//   acc = [[-32542, -36, 898], [-259, -432, -341]]
func.func @raw_args(%a: tensor<2x4xi8>, %w: tensor<3x4xi8>, %az: tensor<i8>, %wz: tensor<i8>) -> tensor<2x3xi32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> zero_point %wz) input(#quantx.scheme<i8> zero_point %az)
         : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

func.func @raw_const(%a: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %w = arith.constant dense<[[127, -128, 3, 4], [1, 1, 1, 1], [-7, 0, 9, 2]]> : tensor<3x4xi8>
  %az = arith.constant dense<-2> : tensor<i8>
  %wz = arith.constant dense<5> : tensor<i8>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> zero_point %wz) input(#quantx.scheme<i8> zero_point %az)
         : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// W4A8: packed u4 weight with zero points [8, 2], u8 input (no zero point),
// sa = 0.5, sw = 1.
//   W codes = [[15, 0, 7, 8], [1, 2, 3, 4]] -> bytes [[15, 135], [33, 67]]
//   A = [[200, 1, 0, 3]]: acc = [[1392, -194]], y = [[696, -97]]
func.func @w4a8_const(%a: tensor<1x4xi8>, %as: tensor<f32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[15, -121], [33, 67]]> : tensor<2x2xi8>
  %ws = arith.constant dense<1.0> : tensor<2xf32>
  %wz = arith.constant dense<[-8, 2]> : tensor<2xi4>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as)
         : (tensor<1x4xi8>, tensor<2x2xi8>, tensor<2xf32>, tensor<2xi4>, tensor<f32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @w4a8_args(%a: tensor<1x4xi8>, %w: tensor<2x2xi8>, %ws: tensor<2xf32>, %wz: tensor<2xi4>, %as: tensor<f32>) -> tensor<1x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as)
         : (tensor<1x4xi8>, tensor<2x2xi8>, tensor<2xf32>, tensor<2xi4>, tensor<f32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Weight-only with a float bias: y = 0.5 * sum A W + b.
//   A = [[1, 2], [3, 4]], W = [[2, -1], [0, 3]], b = [0.25, -1]
//   y = [[0.25, 2], [1.25, 5]]
func.func @float_bias(%a: tensor<2x2xf32>, %w: tensor<2x2xi8>, %ws: tensor<f32>, %b: tensor<2xf32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) bias(%b)
         : (tensor<2x2xf32>, tensor<2x2xi8>, tensor<f32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

func.func @main() {
  %a = arith.constant dense<[[10, 0, -1, 7], [1, 2, 3, 4]]> : tensor<2x4xi8>
  %w = arith.constant dense<[[1, 2, 3, -4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = arith.constant dense<[1, -2]> : tensor<2xi8>
  %as = arith.constant dense<0.5> : tensor<f32>
  %az = arith.constant dense<3> : tensor<i8>
  %b = arith.constant dense<[100, 200]> : tensor<2xi32>
  %0 = call @zp_bias_args(%a, %w, %ws, %wz, %as, %az, %b) : (tensor<2x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<2x2xf32>
  %p0 = tensor.cast %0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: [145.25,   316.625]
  // CHECK-NEXT: [23.5,   23.5]
  %1 = call @zp_bias_const(%a, %as) : (tensor<2x4xi8>, tensor<f32>) -> tensor<2x2xf32>
  %p1 = tensor.cast %1 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK: [145.25,   316.625]
  // CHECK-NEXT: [23.5,   23.5]

  %ra = arith.constant dense<[[-128, 127, 5, -3], [0, 1, -1, 100]]> : tensor<2x4xi8>
  %rw = arith.constant dense<[[127, -128, 3, 4], [1, 1, 1, 1], [-7, 0, 9, 2]]> : tensor<3x4xi8>
  %raz = arith.constant dense<-2> : tensor<i8>
  %rwz = arith.constant dense<5> : tensor<i8>
  %2 = call @raw_args(%ra, %rw, %raz, %rwz) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
  %p2 = tensor.cast %2 : tensor<2x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p2) : (tensor<*xi32>) -> ()
  // CHECK: [-32542,   -36,   898]
  // CHECK-NEXT: [-259,   -432,   -341]
  %3 = call @raw_const(%ra) : (tensor<2x4xi8>) -> tensor<2x3xi32>
  %p3 = tensor.cast %3 : tensor<2x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p3) : (tensor<*xi32>) -> ()
  // CHECK: [-32542,   -36,   898]
  // CHECK-NEXT: [-259,   -432,   -341]

  %qa = arith.constant dense<[[-56, 1, 0, 3]]> : tensor<1x4xi8>
  %qw = arith.constant dense<[[15, -121], [33, 67]]> : tensor<2x2xi8>
  %qws = arith.constant dense<1.0> : tensor<2xf32>
  %qwz = arith.constant dense<[-8, 2]> : tensor<2xi4>
  %4 = call @w4a8_const(%qa, %as) : (tensor<1x4xi8>, tensor<f32>) -> tensor<1x2xf32>
  %p4 = tensor.cast %4 : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  // CHECK: [696,   -97]
  %5 = call @w4a8_args(%qa, %qw, %qws, %qwz, %as) : (tensor<1x4xi8>, tensor<2x2xi8>, tensor<2xf32>, tensor<2xi4>, tensor<f32>) -> tensor<1x2xf32>
  %p5 = tensor.cast %5 : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p5) : (tensor<*xf32>) -> ()
  // CHECK: [696,   -97]

  %fa = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %fw = arith.constant dense<[[2, -1], [0, 3]]> : tensor<2x2xi8>
  %fs = arith.constant dense<0.5> : tensor<f32>
  %fb = arith.constant dense<[0.25, -1.0]> : tensor<2xf32>
  %6 = call @float_bias(%fa, %fw, %fs, %fb) : (tensor<2x2xf32>, tensor<2x2xi8>, tensor<f32>, tensor<2xf32>) -> tensor<2x2xf32>
  %p6 = tensor.cast %6 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p6) : (tensor<*xf32>) -> ()
  // CHECK: [0.25,   2]
  // CHECK-NEXT: [1.25,   5]
  return
}
