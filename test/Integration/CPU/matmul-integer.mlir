// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Executed tests of the integer family of quantx.matmul (W8A8, W4A8):
//   acc[m, n] = sum_k (A[m, k] - za) * (W[n, k] - zw)   exactly in i32
//   float result:  y = f32(acc) * (sa * sw), rounded to the result type
//   with output(...): q = clamp(round_half_to_even(f32(acc) * ((sa * sw) / so)) + zo, qmin, qmax)
// u8 values live in signless i8 and are read unsigned (200 is written -56).
//
// Each matmul sits in its own function taking every operand as an argument,
// so the generated code runs (nothing is folded at compile time). All
// scales are powers of two, so every expected value is exact and was
// derived by hand from the arithmetic in the comments (cross-checked with
// an independent pure-Python model), never copied from compiler output.

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

// W8A8, per-tensor symmetric scales.
func.func @w8a8_per_tensor(%a: tensor<2x4xi8>, %w: tensor<3x4xi8>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<2x3xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Per-channel weights with zero points, u8 activations with a zero point.
func.func @w8a8_u8_zp(%a: tensor<2x4xi8>, %w: tensor<3x4xi8>, %ws: tensor<3xf32>, %wz: tensor<3xi8>, %as: tensor<f32>, %az: tensor<i8>) -> tensor<2x3xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as zero_point %az)
         : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Per-row input scales and zero points (axis 0).
func.func @w8a8_per_row(%a: tensor<3x4xi8>, %w: tensor<2x4xi8>, %ws: tensor<f32>, %as: tensor<3xf32>, %az: tensor<3xi8>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws)
         input(#quantx.scheme<i8, axis = 0> scale %as zero_point %az)
         : (tensor<3x4xi8>, tensor<2x4xi8>, tensor<f32>, tensor<3xf32>, tensor<3xi8>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// K = 8 accumulation far beyond the int8 range.
func.func @w8a8_big_k(%a: tensor<3x8xi8>, %w: tensor<2x8xi8>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         : (tensor<3x8xi8>, tensor<2x8xi8>, tensor<f32>, tensor<f32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// u8 activations without zero point, f16 result.
func.func @w8a8_u8_f16(%a: tensor<2x8xi8>, %w: tensor<2x8xi8>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<2x2xf16> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<u8> scale %as)
         : (tensor<2x8xi8>, tensor<2x8xi8>, tensor<f32>, tensor<f32>) -> tensor<2x2xf16>
  return %y : tensor<2x2xf16>
}

// Requantize epilogue to i8.
func.func @requant_i8(%a: tensor<4x4xi8>, %w: tensor<6x4xi8>, %ws: tensor<f32>, %as: tensor<f32>, %os: tensor<f32>, %oz: tensor<i8>) -> tensor<4x6xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         output(#quantx.scheme<i8> scale %os zero_point %oz)
         : (tensor<4x4xi8>, tensor<6x4xi8>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<4x6xi8>
  return %y : tensor<4x6xi8>
}

// Requantize epilogue to u8 (u8 input, per-channel weights with zero points).
func.func @requant_u8(%a: tensor<2x4xi8>, %w: tensor<6x4xi8>, %ws: tensor<6xf32>, %wz: tensor<6xi8>, %as: tensor<f32>, %az: tensor<i8>, %os: tensor<f32>, %oz: tensor<i8>) -> tensor<2x6xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<u8> scale %as zero_point %az)
         output(#quantx.scheme<u8> scale %os zero_point %oz)
         : (tensor<2x4xi8>, tensor<6x4xi8>, tensor<6xf32>, tensor<6xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x6xi8>
  return %y : tensor<2x6xi8>
}

// W4A8: packed i4 weights, per channel with i4 zero points, i8 inputs.
func.func @w4a8_i4(%a: tensor<2x8xi8>, %w: tensor<2x4xi8>, %ws: tensor<2xf32>, %wz: tensor<2xi4>, %as: tensor<f32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 0> scale %ws zero_point %wz)
         input(#quantx.scheme<i8> scale %as)
         : (tensor<2x8xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi4>, tensor<f32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// W4A8: packed u4 weights per tensor with zero point, requantized to i8.
func.func @w4a8_u4_requant(%a: tensor<2x8xi8>, %w: tensor<2x4xi8>, %ws: tensor<f32>, %wz: tensor<i4>, %as: tensor<f32>, %os: tensor<f32>) -> tensor<2x2xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<u4> scale %ws zero_point %wz)
         input(#quantx.scheme<i8> scale %as)
         output(#quantx.scheme<i8> scale %os)
         : (tensor<2x8xi8>, tensor<2x4xi8>, tensor<f32>, tensor<i4>, tensor<f32>, tensor<f32>) -> tensor<2x2xi8>
  return %y : tensor<2x2xi8>
}

// Non-dyadic scales: float result bits and requantize rounding.
func.func @w8a8_bits(%a: tensor<1x2xi8>, %w: tensor<2x2xi8>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<1x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func @requant_nondyadic(%a: tensor<1x2xi8>, %w: tensor<4x2xi8>, %ws: tensor<f32>, %as: tensor<f32>, %os: tensor<f32>) -> tensor<1x4xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         output(#quantx.scheme<i8> scale %os)
         : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// Narrow-range i8 output: codes clamp to [-127, 127].
func.func @requant_narrow(%a: tensor<1x2xi8>, %w: tensor<3x2xi8>, %ws: tensor<f32>, %as: tensor<f32>, %os: tensor<f32>) -> tensor<1x3xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %ws) input(#quantx.scheme<i8> scale %as)
         output(#quantx.scheme<i8, narrow> scale %os)
         : (tensor<1x2xi8>, tensor<3x2xi8>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<1x3xi8>
  return %y : tensor<1x3xi8>
}

func.func @main() {
  // --- W8A8 per tensor: y = acc * (0.5 * 0.25) = acc / 8 --------------------
  // A = [[1, 2, 3, 4], [-128, 127, -1, 0]]
  // W = [[1, 1, 1, 1], [127, -128, 2, -3], [-1, 0, 1, 0]]
  // acc row 0 = [10, 127 - 256 + 6 - 12 = -135, 2]          -> [1.25, -16.875, 0.25]
  // acc row 1 = [-2, -16256 - 16256 - 2 = -32514, 128 - 1 = 127] -> [-0.25, -4064.25, 15.875]
  %a0 = arith.constant dense<[[1, 2, 3, 4], [-128, 127, -1, 0]]> : tensor<2x4xi8>
  %w0 = arith.constant dense<[[1, 1, 1, 1], [127, -128, 2, -3], [-1, 0, 1, 0]]> : tensor<3x4xi8>
  %ws0 = arith.constant dense<0.25> : tensor<f32>
  %as0 = arith.constant dense<0.5> : tensor<f32>
  %y0 = call @w8a8_per_tensor(%a0, %w0, %ws0, %as0) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  %p0 = tensor.cast %y0 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: Unranked Memref {{.*}} sizes = [2, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[1.25,   -16.875,   0.25],
  // CHECK-NEXT: [-0.25,   -4064.25,   15.875]]

  // --- u8 input with zp 128, per-channel i8 weights with zero points -------
  // A (u8) = [[200, 128, 0, 255], [129, 130, 127, 100]], stored as
  //          [[-56, -128, 0, -1], [-127, -126, 127, 100]]; za = 128 (stored -128)
  // A - za = [[72, 0, -128, 127], [1, 2, -1, -28]]
  // W = [[1, 2, 3, 4], [10, -10, 3, 3], [-2, -2, 0, 20]], zw = [0, 3, -2]
  // W - zw = [[1, 2, 3, 4], [7, -13, 0, 0], [0, 0, 2, 22]]
  // sa = 0.125, sw = [0.5, 0.25, 1]
  // row 0: acc = [72 - 384 + 508 = 196, 504, -256 + 2794 = 2538]
  //        y   = [196/16 = 12.25, 504/32 = 15.75, 2538/8 = 317.25]
  // row 1: acc = [1 + 4 - 3 - 112 = -110, 7 - 26 = -19, -2 - 616 = -618]
  //        y   = [-6.875, -0.59375, -77.25]
  %a1 = arith.constant dense<[[-56, -128, 0, -1], [-127, -126, 127, 100]]> : tensor<2x4xi8>
  %w1 = arith.constant dense<[[1, 2, 3, 4], [10, -10, 3, 3], [-2, -2, 0, 20]]> : tensor<3x4xi8>
  %ws1 = arith.constant dense<[0.5, 0.25, 1.0]> : tensor<3xf32>
  %wz1 = arith.constant dense<[0, 3, -2]> : tensor<3xi8>
  %as1 = arith.constant dense<0.125> : tensor<f32>
  %az1 = arith.constant dense<-128> : tensor<i8>
  %y1 = call @w8a8_u8_zp(%a1, %w1, %ws1, %wz1, %as1, %az1) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %p1 = tensor.cast %y1 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[12.25,   15.75,   317.25],
  // CHECK-NEXT: [-6.875,   -0.59375,   -77.25]]

  // --- per-row input scales / zero points (axis 0) -------------------------
  // A = [[1, 2, 3, 4], [2, 1, 0, -1], [-1, -1, -1, -1]], za = [0, 1, -1], sa = [1, 0.5, 0.25]
  // W = [[1, 0, -1, 2], [3, 3, 3, 3]], sw = 2
  // row 0: A - za = [1, 2, 3, 4]:   acc = [1 - 3 + 8 = 6, 30]  * (1 * 2)    -> [12, 60]
  // row 1: A - za = [1, 0, -1, -2]: acc = [1 + 1 - 4 = -2, -6] * (0.5 * 2)  -> [-2, -6]
  // row 2: A - za = [0, 0, 0, 0]:   acc = [0, 0]                            -> [0, 0]
  %a2 = arith.constant dense<[[1, 2, 3, 4], [2, 1, 0, -1], [-1, -1, -1, -1]]> : tensor<3x4xi8>
  %w2 = arith.constant dense<[[1, 0, -1, 2], [3, 3, 3, 3]]> : tensor<2x4xi8>
  %ws2 = arith.constant dense<2.0> : tensor<f32>
  %as2 = arith.constant dense<[1.0, 0.5, 0.25]> : tensor<3xf32>
  %az2 = arith.constant dense<[0, 1, -1]> : tensor<3xi8>
  %y2 = call @w8a8_per_row(%a2, %w2, %ws2, %as2, %az2) : (tensor<3x4xi8>, tensor<2x4xi8>, tensor<f32>, tensor<3xf32>, tensor<3xi8>) -> tensor<3x2xf32>
  %p2 = tensor.cast %y2 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[12,   60],
  // CHECK-NEXT: [-2,   -6],
  // CHECK-NEXT: [0,   0]]

  // --- K = 8, accumulators far outside int8 (scales 1) ---------------------
  // W row 0 = 127 x 8, row 1 = -128 x 8
  // A row 0 = 127 x 8:          8 * 127 * 127 = 129032 ; 8 * 127 * -128 = -130048
  // A row 1 = -128 x 8:        -130048                 ; 8 * 128 * 128  = 131072
  // A row 2 = [127, -128] x 4: 4 * 127 * -1 = -508     ; 4 * -128 * -1  = 512
  %a3 = arith.constant dense<[[127, 127, 127, 127, 127, 127, 127, 127],
                              [-128, -128, -128, -128, -128, -128, -128, -128],
                              [127, -128, 127, -128, 127, -128, 127, -128]]> : tensor<3x8xi8>
  %w3 = arith.constant dense<[[127, 127, 127, 127, 127, 127, 127, 127],
                              [-128, -128, -128, -128, -128, -128, -128, -128]]> : tensor<2x8xi8>
  %one = arith.constant dense<1.0> : tensor<f32>
  %y3 = call @w8a8_big_k(%a3, %w3, %one, %one) : (tensor<3x8xi8>, tensor<2x8xi8>, tensor<f32>, tensor<f32>) -> tensor<3x2xf32>
  %p3 = tensor.cast %y3 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[129032,   -130048],
  // CHECK-NEXT: [-130048,   131072],
  // CHECK-NEXT: [-508,   512]]

  // --- u8 activations (255 stored as -1), f16 result, y = acc * 0.5 --------
  // W row 0 = [127, 127, 0, 0, 0, 0, 0, 0], row 1 = 1 x 8
  // A row 0 = 255 x 8:       acc = [64770, 2040] -> y = [32385, 1020]
  //   f16 spacing in [16384, 32768) is 16: 32385 -> 32384
  // A row 1 = [255, 0] x 4:  acc = [32385, 1020] -> y = [16192.5, 510]
  //   f16 spacing in [8192, 16384) is 8: 16192.5 -> 16192
  %a4 = arith.constant dense<[[-1, -1, -1, -1, -1, -1, -1, -1], [-1, 0, -1, 0, -1, 0, -1, 0]]> : tensor<2x8xi8>
  %w4 = arith.constant dense<[[127, 127, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]]> : tensor<2x8xi8>
  %half = arith.constant dense<0.5> : tensor<f32>
  %y4 = call @w8a8_u8_f16(%a4, %w4, %half, %one) : (tensor<2x8xi8>, tensor<2x8xi8>, tensor<f32>, tensor<f32>) -> tensor<2x2xf16>
  %e4 = arith.extf %y4 : tensor<2x2xf16> to tensor<2x2xf32>
  %p4 = tensor.cast %e4 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[32384,   1020],
  // CHECK-NEXT: [16192,   510]]

  // --- requantize to i8: ties to even and saturation at both ends ----------
  // sa = 0.25, sw = 0.5, so = 0.25 -> multiplier (0.25 * 0.5) / 0.25 = 0.5; zo = -3
  // W rows: e0, e1, e2, e3 (unit rows: acc = A[m, n]), [1, 1, 1, 1], [-1, -1, -1, -1]
  // row 0: A = [5, 7, -5, -3]:       x = [2.5, 3.5, -2.5, -1.5, 2, -2]
  //        round = [2, 4, -2, -2, 2, -2], + zo -> [-1, 1, -5, -5, -1, -5]
  // row 1: A = [1, -1, 9, 11]:       x = [0.5, -0.5, 4.5, 5.5, 10, -10]
  //        round = [0, 0, 4, 6, 10, -10], + zo -> [-3, -3, 1, 3, 7, -13]
  // row 2: A = 127 x 4:              x = [63.5 x 4, 254, -254]
  //        round = [64 x 4, 254, -254], + zo -> [61 x 4, 251 -> 127, -257 -> -128]
  // row 3: A = -128 x 4:             x = [-64 x 4, -256, 256]
  //        + zo -> [-67 x 4, -259 -> -128, 253 -> 127]
  %a5 = arith.constant dense<[[5, 7, -5, -3], [1, -1, 9, 11], [127, 127, 127, 127], [-128, -128, -128, -128]]> : tensor<4x4xi8>
  %w5 = arith.constant dense<[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1], [-1, -1, -1, -1]]> : tensor<6x4xi8>
  %as5 = arith.constant dense<0.25> : tensor<f32>
  %os5 = arith.constant dense<0.25> : tensor<f32>
  %oz5 = arith.constant dense<-3> : tensor<i8>
  %y5 = call @requant_i8(%a5, %w5, %half, %as5, %os5, %oz5) : (tensor<4x4xi8>, tensor<6x4xi8>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<4x6xi8>
  %e5 = arith.extsi %y5 : tensor<4x6xi8> to tensor<4x6xi32>
  %p5 = tensor.cast %e5 : tensor<4x6xi32> to tensor<*xi32>
  call @printMemrefI32(%p5) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [4, 6] strides = [6, 1] data =
  // CHECK-NEXT: {{\[}}[-1,   1,   -5,   -5,   -1,   -5],
  // CHECK-NEXT: [-3,   -3,   1,   3,   7,   -13],
  // CHECK-NEXT: [61,   61,   61,   61,   127,   -128],
  // CHECK-NEXT: [-67,   -67,   -67,   -67,   -128,   127]]

  // --- requantize to u8 (zo = 128): ties, saturation at 0 and 255 ----------
  // A (u8) = [[133, 135, 123, 125], [255, 0, 255, 0]], za = 128
  //   A - za = [[5, 7, -5, -3], [127, -128, 127, -128]]
  // W = e0, e1, e2, e3, [1, -1, 1, -1], [-1, 1, -1, 1]; zw = [0, 0, 1, 0, 0, 0]
  //   (so W - zw for n = 2 is [-1, -1, 0, -1])
  // sa = so = 0.25, sw = [0.5, 0.5, 1, 0.5, 0.5, 2] -> multiplier = sw[n]
  // row 0: acc = [5, 7, -(5 + 7 - 3) = -9, -3, 5 - 7 - 5 + 3 = -4, 4]
  //        x = [2.5, 3.5, -9, -1.5, -2, 8] -> round [2, 4, -9, -2, -2, 8]
  //        + 128 -> [130, 132, 119, 126, 126, 136]
  // row 1: acc = [127, -128, -(127 - 128 - 128) = 129, -128, 510, -510]
  //        x = [63.5, -64, 129, -64, 255, -1020] -> round [64, -64, 129, -64, 255, -1020]
  //        + 128 -> [192, 64, 257 -> 255, 64, 383 -> 255, -892 -> 0]
  // Printed unsigned (extui).
  %a6 = arith.constant dense<[[-123, -121, 123, 125], [-1, 0, -1, 0]]> : tensor<2x4xi8>
  %w6 = arith.constant dense<[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, -1, 1, -1], [-1, 1, -1, 1]]> : tensor<6x4xi8>
  %ws6 = arith.constant dense<[0.5, 0.5, 1.0, 0.5, 0.5, 2.0]> : tensor<6xf32>
  %wz6 = arith.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi8>
  %az6 = arith.constant dense<-128> : tensor<i8>
  %y6 = call @requant_u8(%a6, %w6, %ws6, %wz6, %as5, %az6, %os5, %az6) : (tensor<2x4xi8>, tensor<6x4xi8>, tensor<6xf32>, tensor<6xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x6xi8>
  %e6 = arith.extui %y6 : tensor<2x6xi8> to tensor<2x6xi32>
  %p6 = tensor.cast %e6 : tensor<2x6xi32> to tensor<*xi32>
  call @printMemrefI32(%p6) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 6] strides = [6, 1] data =
  // CHECK-NEXT: {{\[}}[130,   132,   119,   126,   126,   136],
  // CHECK-NEXT: [192,   64,   255,   64,   255,   0]]

  // --- W4A8: i4 weights per channel with i4 zero points --------------------
  // codes row 0 = [-8, 7, 1, -1, 2, 3, -4, 0], row 1 = [5, 5, 5, 5, -3, -3, -3, -3]
  // packed (byte j = code[2j] & 0xF | (code[2j+1] & 0xF) << 4, signed i8):
  //   row 0: (-8,7) 0x78 = 120 ; (1,-1) 0xF1 = -15 ; (2,3) 0x32 = 50 ; (-4,0) 0x0C = 12
  //   row 1: (5,5) 0x55 = 85 ; 85 ; (-3,-3) 0xDD = -35 ; -35
  // zw = [-1, 2], sw = [0.5, 0.25], sa = 1
  //   W - zw row 0 = [-7, 8, 2, 0, 3, 4, -3, 1], row 1 = [3, 3, 3, 3, -5, -5, -5, -5]
  // A row 0 = [1..8]:  acc = -7 + 16 + 6 + 0 + 15 + 24 - 21 + 8 = 41 -> 20.5
  //                    acc = 3 * 10 - 5 * 26 = -100 -> -25
  // A row 1 = [-128, 127, 0, 0, 1, -1, 2, -2]:
  //                    acc = 896 + 1016 + 3 - 4 - 6 - 2 = 1903 -> 951.5
  //                    acc = -384 + 381 - 5 + 5 - 10 + 10 = -3 -> -0.75
  %a7 = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [-128, 127, 0, 0, 1, -1, 2, -2]]> : tensor<2x8xi8>
  %w7 = arith.constant dense<[[120, -15, 50, 12], [85, 85, -35, -35]]> : tensor<2x4xi8>
  %ws7 = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz7 = arith.constant dense<[-1, 2]> : tensor<2xi4>
  %y7 = call @w4a8_i4(%a7, %w7, %ws7, %wz7, %one) : (tensor<2x8xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi4>, tensor<f32>) -> tensor<2x2xf32>
  %p7 = tensor.cast %y7 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p7) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[20.5,   -25],
  // CHECK-NEXT: [951.5,   -0.75]]

  // --- W4A8: u4 weights per tensor, zp 8 (i4 bits -8), requantized to i8 --
  // codes row 0 = [15, 0, 8, 7, 1, 2, 3, 4], row 1 = [0, 0, 0, 0, 15, 15, 15, 15]
  // packed: row 0 = [0x0F = 15, 0x78 = 120, 0x21 = 33, 0x43 = 67], row 1 = [0, 0, 0xFF = -1, -1]
  // W - 8: row 0 = [7, -8, 0, -1, -7, -6, -5, -4], row 1 = [-8, -8, -8, -8, 7, 7, 7, 7]
  // sa = 0.5, sw = 0.5, so = 1, zo = 0 -> multiplier 0.25
  // A row 0 = 1 x 8: acc = [-24, -4]  -> x = [-6, -1]
  // A row 1 = [10, -10, 20, -20, 1, 2, 3, 4]:
  //   acc = [70 + 80 + 20 - 7 - 12 - 15 - 16 = 120, -80 + 80 - 160 + 160 + 70 = 70]
  //   x = [30, 17.5] -> [30, 18] (tie to even)
  %a8 = arith.constant dense<[[1, 1, 1, 1, 1, 1, 1, 1], [10, -10, 20, -20, 1, 2, 3, 4]]> : tensor<2x8xi8>
  %w8 = arith.constant dense<[[15, 120, 33, 67], [0, 0, -1, -1]]> : tensor<2x4xi8>
  %wz8 = arith.constant dense<-8> : tensor<i4>
  %y8 = call @w4a8_u4_requant(%a8, %w8, %half, %wz8, %half, %one) : (tensor<2x8xi8>, tensor<2x4xi8>, tensor<f32>, tensor<i4>, tensor<f32>, tensor<f32>) -> tensor<2x2xi8>
  %e8 = arith.extsi %y8 : tensor<2x2xi8> to tensor<2x2xi32>
  %p8 = tensor.cast %e8 : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p8) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-6,   -1],
  // CHECK-NEXT: [30,   18]]

  // --- float result with non-dyadic scales (raw f32 bits) ------------------
  // sa = f32(0.1), sw = f32(0.3), sa * sw rounded to f32 = 0.030000001 (one product)
  // A = [13, 17], W = identity -> acc = [13, 17]
  //   y = f32(13) * f32(sa * sw) = 0.39000001549720764 (bits 1053273621)
  //   y = f32(17) * f32(sa * sw) = 0.5099999904632568  (bits 1057132380)
  // ((acc * sa) * sw would give bits 1053273622 / 1057132381.)
  %a9 = arith.constant dense<[[13, 17]]> : tensor<1x2xi8>
  %w9 = arith.constant dense<[[1, 0], [0, 1]]> : tensor<2x2xi8>
  %sa9 = arith.constant dense<0.1> : tensor<f32>
  %sw9 = arith.constant dense<0.3> : tensor<f32>
  %y9 = call @w8a8_bits(%a9, %w9, %sw9, %sa9) : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %b9 = arith.bitcast %y9 : tensor<1x2xf32> to tensor<1x2xi32>
  %p9 = tensor.cast %b9 : tensor<1x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p9) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[1053273621,   1057132380]]

  // --- requantize with non-dyadic scales: multiplier computed first -------
  // sa = 0.1, sw = 0.3, so = 0.7 (all f32): multiplier = f32(f32(sa * sw) / so) = 0.042857144
  // A = [5, 7], W = [[49, 0], [0, 35], [-49, 0], [7, 101]] -> acc = [245, 245, -245, 742]
  //   245 * 0.042857144 = 10.50000028... -> f32 10.5 -> tie to even -> 10
  //   (dividing ((acc * sa) * sw) by so instead gives 10.500001 -> 11)
  //   -245 -> -10 ; 742 * 0.042857144 = 31.8 -> 32
  %a10 = arith.constant dense<[[5, 7]]> : tensor<1x2xi8>
  %w10 = arith.constant dense<[[49, 0], [0, 35], [-49, 0], [7, 101]]> : tensor<4x2xi8>
  %so10 = arith.constant dense<0.7> : tensor<f32>
  %y10 = call @requant_nondyadic(%a10, %w10, %sw9, %sa9, %so10) : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<1x4xi8>
  %e10 = arith.extsi %y10 : tensor<1x4xi8> to tensor<1x4xi32>
  %p10 = tensor.cast %e10 : tensor<1x4xi32> to tensor<*xi32>
  call @printMemrefI32(%p10) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 4] strides = [4, 1] data =
  // CHECK-NEXT: {{\[}}[10,   10,   -10,   32]]

  // --- narrow i8 output: [-127, 127] --------------------------------------
  // A = [-128, 127], W = [[1, 0], [0, -1], [1, 1]], all scales 1
  //   acc = [-128 -> -127, -127, -1]
  %a11 = arith.constant dense<[[-128, 127]]> : tensor<1x2xi8>
  %w11 = arith.constant dense<[[1, 0], [0, -1], [1, 1]]> : tensor<3x2xi8>
  %y11 = call @requant_narrow(%a11, %w11, %one, %one, %one) : (tensor<1x2xi8>, tensor<3x2xi8>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<1x3xi8>
  %e11 = arith.extsi %y11 : tensor<1x3xi8> to tensor<1x3xi32>
  %p11 = tensor.cast %e11 : tensor<1x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p11) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[-127,   -127,   -1]]
  return
}
