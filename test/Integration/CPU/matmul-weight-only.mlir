// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Executed tests of the weight-only family of quantx.matmul (no input
// scheme, float activations): result[m, n] = sum_k f32(A[m, k]) * W[n, k],
// where W is dequantized exactly like quantx.dequantize, the products are
// accumulated in f32 in increasing k and the sum is rounded once to the
// result type.
//
// Every matmul lives in its own function that receives all operands as
// arguments, so nothing can be constant-folded at compile time: the code
// generated for the op is what runs. Inputs are small integers, powers of
// two and dyadic fractions, so every expected value below is exact (or, for
// NF4 and the two raw-bit cases at the end, computed with an independent
// f32 emulation in pure Python) and was derived by hand from the arithmetic
// in the comments, never copied from the compiler's output.

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

//===----------------------------------------------------------------------===//
// W8A16, i8 per channel (axis 0 = per output row n), no zero point, f32, M = 3.
//===----------------------------------------------------------------------===//
func.func @w8_per_channel(%a: tensor<3x4xf32>, %w: tensor<2x4xi8>, %s: tensor<2xf32>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s)
         : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

//===----------------------------------------------------------------------===//
// W8A16, i8 per channel with zero points, f16 activations and result, M = 1.
//===----------------------------------------------------------------------===//
func.func @w8_per_channel_zp_f16(%a: tensor<1x4xf16>, %w: tensor<3x4xi8>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<1x3xf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s zero_point %z)
         : (tensor<1x4xf16>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3xf16>
  return %y : tensor<1x3xf16>
}

//===----------------------------------------------------------------------===//
// W8A16, u8 asymmetric per channel, bf16 activations and result, M = 2.
//===----------------------------------------------------------------------===//
func.func @u8_per_channel_bf16(%a: tensor<2x4xbf16>, %w: tensor<2x4xi8>, %s: tensor<2xf32>, %z: tensor<2xi8>) -> tensor<2x2xbf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<u8, axis = 0> scale %s zero_point %z)
         : (tensor<2x4xbf16>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xbf16>
  return %y : tensor<2x2xbf16>
}

//===----------------------------------------------------------------------===//
// Per-tensor scale, f16 result: f32 accumulation then one rounding to f16.
//===----------------------------------------------------------------------===//
func.func @w8_per_tensor_f16(%a: tensor<1x4xf16>, %w: tensor<3x4xi8>, %s: tensor<f32>) -> tensor<1x3xf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s)
         : (tensor<1x4xf16>, tensor<3x4xi8>, tensor<f32>) -> tensor<1x3xf16>
  return %y : tensor<1x3xf16>
}

//===----------------------------------------------------------------------===//
// Per-tensor f16 scale, bf16 activations and result, M = 3.
//===----------------------------------------------------------------------===//
func.func @w8_per_tensor_bf16(%a: tensor<3x4xbf16>, %w: tensor<3x4xi8>, %s: tensor<f16>) -> tensor<3x3xbf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s)
         : (tensor<3x4xbf16>, tensor<3x4xi8>, tensor<f16>) -> tensor<3x3xbf16>
  return %y : tensor<3x3xbf16>
}

//===----------------------------------------------------------------------===//
// Per channel along axis 1 (one scale per k).
//===----------------------------------------------------------------------===//
func.func @w8_per_k(%a: tensor<1x4xf32>, %w: tensor<2x4xi8>, %s: tensor<4xf32>) -> tensor<1x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 1> scale %s)
         : (tensor<1x4xf32>, tensor<2x4xi8>, tensor<4xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

//===----------------------------------------------------------------------===//
// Group-wise along axis 0 (groups of 2 output rows share a scale per k).
//===----------------------------------------------------------------------===//
func.func @w8_group_axis0(%a: tensor<1x2xf32>, %w: tensor<4x2xi8>, %s: tensor<2x2xf32>) -> tensor<1x4xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0, group = 2> scale %s)
         : (tensor<1x2xf32>, tensor<4x2xi8>, tensor<2x2xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

//===----------------------------------------------------------------------===//
// W4A16: i4 group-wise (axis 1, group 4, K = 8) with i4 zero points, M = 3.
//===----------------------------------------------------------------------===//
func.func @w4_i4_group4(%a: tensor<3x8xf32>, %w: tensor<2x4xi8>, %s: tensor<2x2xf32>, %z: tensor<2x2xi4>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 4> scale %s zero_point %z)
         : (tensor<3x8xf32>, tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi4>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

//===----------------------------------------------------------------------===//
// W4A16: u4 group-wise (axis 1, group 2, K = 8) with u4 zero points, f16
// activations, f16 scales and f16 result, M = 1.
//===----------------------------------------------------------------------===//
func.func @w4_u4_group2_f16(%a: tensor<1x8xf16>, %w: tensor<2x4xi8>, %s: tensor<2x4xf16>, %z: tensor<2x4xi4>) -> tensor<1x2xf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 1, group = 2> scale %s zero_point %z)
         : (tensor<1x8xf16>, tensor<2x4xi8>, tensor<2x4xf16>, tensor<2x4xi4>) -> tensor<1x2xf16>
  return %y : tensor<1x2xf16>
}

//===----------------------------------------------------------------------===//
// NF4 group-wise (axis 1, group 4, K = 8), M = 2.
//===----------------------------------------------------------------------===//
func.func @nf4_group4(%a: tensor<2x8xf32>, %w: tensor<2x4xi8>, %s: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<nf4, axis = 1, group = 4> scale %s)
         : (tensor<2x8xf32>, tensor<2x4xi8>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

//===----------------------------------------------------------------------===//
// FP8 weights: f8E4M3FN per channel (M = 1) and f8E5M2 group-wise (M = 3).
//===----------------------------------------------------------------------===//
func.func @fp8_e4m3_per_channel(%a: tensor<1x4xf32>, %w: tensor<3x4xf8E4M3FN>, %s: tensor<3xf32>) -> tensor<1x3xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN, axis = 0> scale %s)
         : (tensor<1x4xf32>, tensor<3x4xf8E4M3FN>, tensor<3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

func.func @fp8_e5m2_group2(%a: tensor<3x4xf32>, %w: tensor<2x4xf8E5M2>, %s: tensor<2x2xf32>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E5M2, axis = 1, group = 2> scale %s)
         : (tensor<3x4xf32>, tensor<2x4xf8E5M2>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

//===----------------------------------------------------------------------===//
// Exact f32 behaviour with a non-dyadic scale and f32 accumulation order.
//===----------------------------------------------------------------------===//
func.func @w8_bits(%a: tensor<1x2xf32>, %w: tensor<2x2xi8>, %s: tensor<2xf32>, %z: tensor<2xi8>) -> tensor<1x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s zero_point %z)
         : (tensor<1x2xf32>, tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @w8_order(%a: tensor<1x4xf32>, %w: tensor<1x4xi8>, %s: tensor<f32>) -> tensor<1x1xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s)
         : (tensor<1x4xf32>, tensor<1x4xi8>, tensor<f32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

func.func @main() {
  // --- W8A16 per channel, M = 3 -------------------------------------------
  // W row 0 = [1, -2, 3, -4] * 0.5    = [0.5, -1, 1.5, -2]
  // W row 1 = [127, -128, 0, 5] * 0.25 = [31.75, -32, 0, 1.25]
  // A row 0 = [1, 2, 3, 4]:     0.5 - 2 + 4.5 - 8 = -5 ; 31.75 - 64 + 0 + 5 = -27.25
  // A row 1 = [-1, 0, 1, 2]:   -0.5 + 0 + 1.5 - 4 = -3 ; -31.75 + 0 + 0 + 2.5 = -29.25
  // A row 2 = [0.5, -2, 4, 1]: 0.25 + 2 + 6 - 2 = 6.25 ; 15.875 + 64 + 0 + 1.25 = 81.125
  %a0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 1.0, 2.0], [0.5, -2.0, 4.0, 1.0]]> : tensor<3x4xf32>
  %w0 = arith.constant dense<[[1, -2, 3, -4], [127, -128, 0, 5]]> : tensor<2x4xi8>
  %s0 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y0 = call @w8_per_channel(%a0, %w0, %s0) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<2xf32>) -> tensor<3x2xf32>
  %p0 = tensor.cast %y0 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-5,   -27.25],
  // CHECK-NEXT: [-3,   -29.25],
  // CHECK-NEXT: [6.25,   81.125]]

  // --- W8A16 per channel with zero points, f16, M = 1 ---------------------
  // zp = [10, -1, 5], scale = [0.5, 0.125, 2]
  // W row 0 = ([10, 20, 30, 40] - 10) * 0.5     = [0, 5, 10, 15]
  // W row 1 = ([-128, 0, 127, 1] + 1) * 0.125  = [-15.875, 0.125, 16, 0.25]
  // W row 2 = ([5, 5, 5, 5] - 5) * 2            = [0, 0, 0, 0]
  // A = [1.5, -1, 2, 0.25]:
  //   n0: 0 - 5 + 20 + 3.75 = 18.75
  //   n1: -23.8125 - 0.125 + 32 + 0.0625 = 8.125
  //   n2: 0
  %a1 = arith.constant dense<[[1.5, -1.0, 2.0, 0.25]]> : tensor<1x4xf16>
  %w1 = arith.constant dense<[[10, 20, 30, 40], [-128, 0, 127, 1], [5, 5, 5, 5]]> : tensor<3x4xi8>
  %s1 = arith.constant dense<[0.5, 0.125, 2.0]> : tensor<3xf32>
  %z1 = arith.constant dense<[10, -1, 5]> : tensor<3xi8>
  %y1 = call @w8_per_channel_zp_f16(%a1, %w1, %s1, %z1) : (tensor<1x4xf16>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<1x3xf16>
  %e1 = arith.extf %y1 : tensor<1x3xf16> to tensor<1x3xf32>
  %p1 = tensor.cast %e1 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[18.75,   8.125,   0]]

  // --- u8 asymmetric per channel, bf16, M = 2 -----------------------------
  // u8 codes live in signless i8 and are read unsigned:
  //   row 0 = [200, 128, 0, 255]   stored as [-56, -128, 0, -1]
  //   row 1 = [130, 129, 128, 127] stored as [-126, -127, -128, 127]
  //   zero points [128, 128]       stored as [-128, -128]
  // scale = [0.25, 1]
  // W row 0 = [72, 0, -128, 127] * 0.25 = [18, 0, -32, 31.75]
  // W row 1 = [2, 1, 0, -1]
  // A row 0 = [1, 2, 0.5, 1]:  18 + 0 - 16 + 31.75 = 33.75 ; 2 + 2 + 0 - 1 = 3
  // A row 1 = [-2, 0.25, 1, 4]: -36 + 0 - 32 + 127 = 59 ; -4 + 0.25 + 0 - 4 = -7.75
  // (all representable in bf16)
  %a2 = arith.constant dense<[[1.0, 2.0, 0.5, 1.0], [-2.0, 0.25, 1.0, 4.0]]> : tensor<2x4xbf16>
  %w2 = arith.constant dense<[[-56, -128, 0, -1], [-126, -127, -128, 127]]> : tensor<2x4xi8>
  %s2 = arith.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %z2 = arith.constant dense<[-128, -128]> : tensor<2xi8>
  %y2 = call @u8_per_channel_bf16(%a2, %w2, %s2, %z2) : (tensor<2x4xbf16>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xbf16>
  %e2 = arith.extf %y2 : tensor<2x2xbf16> to tensor<2x2xf32>
  %p2 = tensor.cast %e2 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[33.75,   3],
  // CHECK-NEXT: [59,   -7.75]]

  // --- per-tensor scale 2, f16 result: f32 accumulation, one RNE rounding --
  // W * 2 = [[2, 2, 2, 0], [2, 2, 0, 0], [2, 2, 2, 2]], A = [1024, 0.5, 0.5, 0.5]
  //   n0: 2048 + 1 + 1     = 2050 in f32 -> f16 2050 (f16 spacing is 2 here;
  //       accumulating in f16 would give 2048 + 1 -> 2048, + 1 -> 2048)
  //   n1: 2048 + 1         = 2049 -> tie between 2048 and 2050 -> even: 2048
  //   n2: 2048 + 1 + 1 + 1 = 2051 -> tie between 2050 and 2052 -> even: 2052
  %a3 = arith.constant dense<[[1024.0, 0.5, 0.5, 0.5]]> : tensor<1x4xf16>
  %w3 = arith.constant dense<[[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]]> : tensor<3x4xi8>
  %s3 = arith.constant dense<2.0> : tensor<f32>
  %y3 = call @w8_per_tensor_f16(%a3, %w3, %s3) : (tensor<1x4xf16>, tensor<3x4xi8>, tensor<f32>) -> tensor<1x3xf16>
  %e3 = arith.extf %y3 : tensor<1x3xf16> to tensor<1x3xf32>
  %p3 = tensor.cast %e3 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[2050,   2048,   2052]]

  // --- per-tensor f16 scale 1, bf16, M = 3 --------------------------------
  // W = [[2, 2, 2, 0], [2, 2, 0, 0], [2, 2, 2, 2]]; bf16 spacing is 2 in [256, 512).
  // A row 0 = [128, 0.5, 0.5, 0.5]: 258 -> 258 ; 257 -> 256 (tie, even) ; 259 -> 260 (tie, even)
  //   (bf16 accumulation would give 256 for n0)
  // A row 1 = [1, 2, 3, 4]:  2 + 4 + 6 = 12 ; 2 + 4 = 6 ; 2 + 4 + 6 + 8 = 20
  // A row 2 = [-128, -0.5, 0, 0]: -257 -> -256 in all three columns
  %a4 = arith.constant dense<[[128.0, 0.5, 0.5, 0.5], [1.0, 2.0, 3.0, 4.0], [-128.0, -0.5, 0.0, 0.0]]> : tensor<3x4xbf16>
  %w4 = arith.constant dense<[[2, 2, 2, 0], [2, 2, 0, 0], [2, 2, 2, 2]]> : tensor<3x4xi8>
  %s4 = arith.constant dense<1.0> : tensor<f16>
  %y4 = call @w8_per_tensor_bf16(%a4, %w4, %s4) : (tensor<3x4xbf16>, tensor<3x4xi8>, tensor<f16>) -> tensor<3x3xbf16>
  %e4 = arith.extf %y4 : tensor<3x3xbf16> to tensor<3x3xf32>
  %p4 = tensor.cast %e4 : tensor<3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[258,   256,   260],
  // CHECK-NEXT: [12,   6,   20],
  // CHECK-NEXT: [-256,   -256,   -256]]

  // --- per channel along axis 1 (per k) -----------------------------------
  // scale = [1, 0.5, 0.25, 2]
  // W row 0 = [1, 2, 3, 4]     -> [1, 1, 0.75, 8]      sum = 10.75
  // W row 1 = [-4, -3, -2, -1] -> [-4, -1.5, -0.5, -2] sum = -8
  %a5 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0]]> : tensor<1x4xf32>
  %w5 = arith.constant dense<[[1, 2, 3, 4], [-4, -3, -2, -1]]> : tensor<2x4xi8>
  %s5 = arith.constant dense<[1.0, 0.5, 0.25, 2.0]> : tensor<4xf32>
  %y5 = call @w8_per_k(%a5, %w5, %s5) : (tensor<1x4xf32>, tensor<2x4xi8>, tensor<4xf32>) -> tensor<1x2xf32>
  %p5 = tensor.cast %y5 : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p5) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[10.75,   -8]]

  // --- group-wise along axis 0 (rows {0,1} and {2,3}), scale 2x2 ----------
  // scale = [[1, 0.5], [0.25, 2]]: W[n][k] * scale[n / 2][k]
  // W = [[1, 2], [3, 4], [5, 6], [7, 8]] -> [[1, 1], [3, 2], [1.25, 12], [1.75, 16]]
  // A = [1, 1] -> [2, 5, 13.25, 17.75]
  %a6 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %w6 = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi8>
  %s6 = arith.constant dense<[[1.0, 0.5], [0.25, 2.0]]> : tensor<2x2xf32>
  %y6 = call @w8_group_axis0(%a6, %w6, %s6) : (tensor<1x2xf32>, tensor<4x2xi8>, tensor<2x2xf32>) -> tensor<1x4xf32>
  %p6 = tensor.cast %y6 : tensor<1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p6) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 4] strides = [4, 1] data =
  // CHECK-NEXT: {{\[}}[2,   5,   13.25,   17.75]]

  // --- W4A16 i4, group 4, zero points, M = 3 ------------------------------
  // 4-bit codes (two's complement nibbles), N = 2, K = 8:
  //   row 0 = [-8, -1, 0, 7,  3, -3, 5, -5]
  //   row 1 = [ 1,  2, 3, 4, -4, -3, -2, -1]
  // Packing: byte j = (code[2j] & 0xF) | (code[2j+1] & 0xF) << 4, i.e. the
  // low nibble holds the even k, written as a signed i8:
  //   row 0: (-8,-1) -> 0xF8 = -8 ; (0,7) -> 0x70 = 112 ; (3,-3) -> 0xD3 = -45 ; (5,-5) -> 0xB5 = -75
  //   row 1: (1,2) -> 0x21 = 33 ; (3,4) -> 0x43 = 67 ; (-4,-3) -> 0xDC = -36 ; (-2,-1) -> 0xFE = -2
  // zero points (i4) [[-1, 2], [0, -2]], scales [[0.5, 0.25], [1, 2]] (groups k 0-3, 4-7):
  //   W row 0 = [-7, 0, 1, 8] * 0.5 ++ [1, -5, 3, -7] * 0.25
  //           = [-3.5, 0, 0.5, 4, 0.25, -1.25, 0.75, -1.75]
  //   W row 1 = [1, 2, 3, 4] * 1 ++ [-2, -1, 0, 1] * 2 = [1, 2, 3, 4, -4, -2, 0, 2]
  // A row 0 = all ones: -3.5 + 0 + 0.5 + 4 + 0.25 - 1.25 + 0.75 - 1.75 = -1 ; 10 - 4 = 6
  // A row 1 = [1..8]:   -3.5 + 0 + 1.5 + 16 + 1.25 - 7.5 + 5.25 - 14 = -1
  //                      1 + 4 + 9 + 16 - 20 - 12 + 0 + 16 = 14
  // A row 2 = [0.5, -1, 0, 2, -0.25, 4, 1, -3]:
  //   -1.75 + 0 + 0 + 8 - 0.0625 - 5 + 0.75 + 5.25 = 7.1875
  //    0.5 - 2 + 0 + 8 + 1 - 8 + 0 - 6 = -6.5
  %a7 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                              [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                              [0.5, -1.0, 0.0, 2.0, -0.25, 4.0, 1.0, -3.0]]> : tensor<3x8xf32>
  %w7 = arith.constant dense<[[-8, 112, -45, -75], [33, 67, -36, -2]]> : tensor<2x4xi8>
  %s7 = arith.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %z7 = arith.constant dense<[[-1, 2], [0, -2]]> : tensor<2x2xi4>
  %y7 = call @w4_i4_group4(%a7, %w7, %s7, %z7) : (tensor<3x8xf32>, tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi4>) -> tensor<3x2xf32>
  %p7 = tensor.cast %y7 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p7) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-1,   6],
  // CHECK-NEXT: [-1,   14],
  // CHECK-NEXT: [7.1875,   -6.5]]

  // --- W4A16 u4, group 2, zero points, f16, M = 1 -------------------------
  // u4 codes (nibbles read unsigned 0..15):
  //   row 0 = [0, 15, 8, 7, 1, 14, 3, 12]
  //   row 1 = [9, 9, 2, 4, 15, 0, 6, 10]
  // Packed low nibble first:
  //   row 0: (0,15) -> 0xF0 = -16 ; (8,7) -> 0x78 = 120 ; (1,14) -> 0xE1 = -31 ; (3,12) -> 0xC3 = -61
  //   row 1: (9,9) -> 0x99 = -103 ; (2,4) -> 0x42 = 66 ; (15,0) -> 0x0F = 15 ; (6,10) -> 0xA6 = -90
  // zero points (u4 in i4 bits): [[8, 0, 3, 12], [15, 1, 8, 6]] written as
  //   [[-8, 0, 3, -4], [-1, 1, -8, 6]]
  // scales (f16) [[0.5, 1, 0.25, 2], [0.125, 1, 0.5, 0.25]], one per pair of k:
  //   W row 0 = [-8, 7]*0.5 ++ [8, 7]*1 ++ [-2, 11]*0.25 ++ [-9, 0]*2
  //           = [-4, 3.5, 8, 7, -0.5, 2.75, -18, 0]
  //   W row 1 = [-6, -6]*0.125 ++ [1, 3]*1 ++ [7, -8]*0.5 ++ [0, 4]*0.25
  //           = [-0.75, -0.75, 1, 3, 3.5, -4, 0, 1]
  // A = [1, 2, -1, 0.5, 4, 1, -2, 1]:
  //   n0: -4 + 7 - 8 + 3.5 - 2 + 2.75 + 36 + 0 = 35.25
  //   n1: -0.75 - 1.5 - 1 + 1.5 + 14 - 4 + 0 + 1 = 9.25
  %a8 = arith.constant dense<[[1.0, 2.0, -1.0, 0.5, 4.0, 1.0, -2.0, 1.0]]> : tensor<1x8xf16>
  %w8 = arith.constant dense<[[-16, 120, -31, -61], [-103, 66, 15, -90]]> : tensor<2x4xi8>
  %s8 = arith.constant dense<[[0.5, 1.0, 0.25, 2.0], [0.125, 1.0, 0.5, 0.25]]> : tensor<2x4xf16>
  %z8 = arith.constant dense<[[-8, 0, 3, -4], [-1, 1, -8, 6]]> : tensor<2x4xi4>
  %y8 = call @w4_u4_group2_f16(%a8, %w8, %s8, %z8) : (tensor<1x8xf16>, tensor<2x4xi8>, tensor<2x4xf16>, tensor<2x4xi4>) -> tensor<1x2xf16>
  %e8 = arith.extf %y8 : tensor<1x2xf16> to tensor<1x2xf32>
  %p8 = tensor.cast %e8 : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p8) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[35.25,   9.25]]

  // --- NF4, group 4, M = 2 ------------------------------------------------
  // NF4 code book (bitsandbytes): 0 -> -1, 1 -> -0.6961928, 3 -> -0.3949175,
  //   6 -> -0.0910500, 7 -> 0, 8 -> 0.0795803, 11 -> 0.3379152,
  //   13 -> 0.5626170, 15 -> 1.
  // codes row 0 = [0, 7, 15, 3, 11, 15, 0, 7], row 1 = [15, 15, 15, 15, 13, 8, 1, 6]
  // packed low nibble first: row 0 = [0x70, 0x3F, 0xFB, 0x70] = [112, 63, -5, 112]
  //                          row 1 = [0xFF, 0xFF, 0x8D, 0x61] = [-1, -1, -115, 97]
  // scales [[2, 0.5], [1, 4]]:
  //   W row 0 = [-2, 0, 2, 2*cb3] ++ [0.5*cb11, 0.5, -0.5, 0]
  //   W row 1 = [1, 1, 1, 1] ++ [4*cb13, 4*cb8, 4*cb1, 4*cb6]
  // A row 0 = ones: 2*cb3 + 0.5*cb11 = -0.7898350 + 0.1689576 = -0.620877
  //                 4 + 4*(cb13 + cb8 + cb1 + cb6) = 4 - 0.5801829 = 3.41982
  // A row 1 = [1, -1, 2, 0, 1, 0, -2, 4]:
  //   -2 + 0 + 4 + 0 + 0.1689576 + 0 + 1 + 0 = 3.16896
  //    1 - 1 + 2 + 0 + 2.2504680 + 0 + 5.5695424 - 1.4568006 = 8.36321
  // (computed with an f32 emulation of the accumulation; printed to 6 digits)
  %a9 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                              [1.0, -1.0, 2.0, 0.0, 1.0, 0.0, -2.0, 4.0]]> : tensor<2x8xf32>
  %w9 = arith.constant dense<[[112, 63, -5, 112], [-1, -1, -115, 97]]> : tensor<2x4xi8>
  %s9 = arith.constant dense<[[2.0, 0.5], [1.0, 4.0]]> : tensor<2x2xf32>
  %y9 = call @nf4_group4(%a9, %w9, %s9) : (tensor<2x8xf32>, tensor<2x4xi8>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %p9 = tensor.cast %y9 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p9) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-0.620877,   3.41982],
  // CHECK-NEXT: [3.16896,   8.36321]]

  // --- FP8 weights, f8E4M3FN per channel, M = 1 ---------------------------
  // E4M3FN bits s.eeee.mmm, bias 7:
  //   0x38 = 56 -> 1, 0x40 = 64 -> 2, 0x30 = 48 -> 0.5, 0xB8 = -72 -> -1,
  //   0x7E = 126 -> 448 (max), 0x01 = 1 -> 2^-9 (min subnormal),
  //   0x08 = 8 -> 2^-6, 0x00 -> 0, 0x3C = 60 -> 1.5, 0x44 = 68 -> 3,
  //   0xC0 = -64 -> -2, 0x80 = -128 -> -0
  // scale = [0.5, 1, 2]:
  //   W row 0 = [1, 2, 0.5, -1] * 0.5        = [0.5, 1, 0.25, -0.5]
  //   W row 1 = [448, 2^-9, 2^-6, 0]
  //   W row 2 = [1.5, 3, -2, -0] * 2         = [3, 6, -4, -0]
  // A = [1, 2, 4, 8]:
  //   n0: 0.5 + 2 + 1 - 4 = -0.5
  //   n1: 448 + 2^-8 + 2^-4 = 448.06640625 (exact in f32) -> 448.066
  //   n2: 3 + 12 - 16 - 0 = -1
  %a10 = arith.constant dense<[[1.0, 2.0, 4.0, 8.0]]> : tensor<1x4xf32>
  %b10 = arith.constant dense<[[56, 64, 48, -72], [126, 1, 8, 0], [60, 68, -64, -128]]> : tensor<3x4xi8>
  %w10 = arith.bitcast %b10 : tensor<3x4xi8> to tensor<3x4xf8E4M3FN>
  %s10 = arith.constant dense<[0.5, 1.0, 2.0]> : tensor<3xf32>
  %y10 = call @fp8_e4m3_per_channel(%a10, %w10, %s10) : (tensor<1x4xf32>, tensor<3x4xf8E4M3FN>, tensor<3xf32>) -> tensor<1x3xf32>
  %p10 = tensor.cast %y10 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p10) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[-0.5,   448.066,   -1]]

  // --- FP8 weights, f8E5M2 group 2 along K, M = 3 -------------------------
  // E5M2 bits s.eeeee.mm, bias 15:
  //   0x3C = 60 -> 1, 0x40 = 64 -> 2, 0x3E = 62 -> 1.5, 0xBC = -68 -> -1,
  //   0x44 = 68 -> 4, 0x3A = 58 -> 0.75, 0x01 = 1 -> 2^-16, 0x7B = 123 -> 57344 (max)
  // scales [[1, 0.5], [0.25, 2^-10]] (groups k 0-1, 2-3):
  //   W row 0 = [1, 2, 0.75, -0.5]
  //   W row 1 = [1, 0.1875, 2^-26, 56]
  // A row 0 = ones:              3.25 ; 1.1875 + 2^-26 (lost in f32) + 56 = 57.1875
  // A row 1 = [2, -1, 0.5, 1]:   2 - 2 + 0.375 - 0.5 = -0.125 ; 2 - 0.1875 + 2^-27 (lost) + 56 = 57.8125
  // A row 2 = [0, 0, 4096, 1]:   3072 - 0.5 = 3071.5 ; 2^-14 + 56 = 56.00006103515625 -> 56.0001
  %a11 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0], [2.0, -1.0, 0.5, 1.0], [0.0, 0.0, 4096.0, 1.0]]> : tensor<3x4xf32>
  %b11 = arith.constant dense<[[60, 64, 62, -68], [68, 58, 1, 123]]> : tensor<2x4xi8>
  %w11 = arith.bitcast %b11 : tensor<2x4xi8> to tensor<2x4xf8E5M2>
  %s11 = arith.constant dense<[[1.0, 0.5], [0.25, 0.0009765625]]> : tensor<2x2xf32>
  %y11 = call @fp8_e5m2_group2(%a11, %w11, %s11) : (tensor<3x4xf32>, tensor<2x4xf8E5M2>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %p11 = tensor.cast %y11 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p11) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[3.25,   57.1875],
  // CHECK-NEXT: [-0.125,   57.8125],
  // CHECK-NEXT: [3071.5,   56.0001]]

  // --- dequantization rounding with a non-dyadic scale (raw f32 bits) -------
  // scale = f32(0.1) = 0.100000001490116..., zp = [3, 17], A = [1, 1]
  // W row 0 = [-124, 3]:  (q - zp) * s = f32(-127 * 0.1f) = -12.699999809265137 (bits -1052036301)
  //                       and (3 - 3) * s = 0, so the sum is that value.
  // W row 1 = [-127, 17]: f32(-144 * 0.1f) = -14.40000057220459 (bits -1050253721)
  // (Computing q * s - zp * s instead gives bits -1052036300 / -1050253722.)
  %a12 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %w12 = arith.constant dense<[[-124, 3], [-127, 17]]> : tensor<2x2xi8>
  %s12 = arith.constant dense<[0.1, 0.1]> : tensor<2xf32>
  %z12 = arith.constant dense<[3, 17]> : tensor<2xi8>
  %y12 = call @w8_bits(%a12, %w12, %s12, %z12) : (tensor<1x2xf32>, tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2xf32>
  %b12 = arith.bitcast %y12 : tensor<1x2xf32> to tensor<1x2xi32>
  %p12 = tensor.cast %b12 : tensor<1x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p12) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-1052036301,   -1050253721]]

  // --- f32 accumulation in increasing k ---------------------------------------
  // A = [2^24, 1, -2^24, 1], W = [1, 1, 1, 1], scale 1:
  //   ((2^24 + 1) -> 2^24 (tie, even)) - 2^24 = 0, + 1 = 1
  // (summing in decreasing k would give 2; an exact sum would give 2.)
  %a13 = arith.constant dense<[[16777216.0, 1.0, -16777216.0, 1.0]]> : tensor<1x4xf32>
  %w13 = arith.constant dense<[[1, 1, 1, 1]]> : tensor<1x4xi8>
  %s13 = arith.constant dense<1.0> : tensor<f32>
  %y13 = call @w8_order(%a13, %w13, %s13) : (tensor<1x4xf32>, tensor<1x4xi8>, tensor<f32>) -> tensor<1x1xf32>
  %p13 = tensor.cast %y13 : tensor<1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p13) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 1] strides = [1, 1] data =
  // CHECK-NEXT: {{\[}}[1]]
  return
}
