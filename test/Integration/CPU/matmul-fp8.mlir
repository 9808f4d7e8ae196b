// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Executed tests of the FP8 family of quantx.matmul (input and weight
// schemes f8E4M3FN / f8E5M2):
//   acc[m, n] = sum_k f32(A[m, k]) * f32(W[n, k])   (products exact, f32 sum)
//   y = acc * (sa * sw)
//   with output(...): saturating round-to-nearest-even conversion of
//   acc * ((sa * sw) / so) to FP8, or the integer requantize rule for i8.
//
// FP8 operands are built from i8 bit patterns with arith.bitcast; FP8
// results are printed as raw codes (bitcast to i8, extui to i32).
// Encodings: E4M3FN = s.eeee.mmm, bias 7, max 448 = 0x7E, no infinities;
//            E5M2   = s.eeeee.mm, bias 15, max 57344 = 0x7B.
// Each matmul is in its own function with all operands as arguments, so
// the generated code runs. Expected values were derived by hand from the
// arithmetic in the comments (cross-checked with an independent
// pure-Python model), never copied from compiler output.

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

func.func @e4m3_per_tensor(%a: tensor<2x4xf8E4M3FN>, %w: tensor<3x4xf8E4M3FN>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<2x3xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %ws) input(#quantx.scheme<f8E4M3FN> scale %as)
         : (tensor<2x4xf8E4M3FN>, tensor<3x4xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func @e4m3_per_row_channel(%a: tensor<3x4xf8E4M3FN>, %w: tensor<2x4xf8E4M3FN>, %ws: tensor<2xf32>, %as: tensor<3xf32>) -> tensor<3x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN, axis = 0> scale %ws)
         input(#quantx.scheme<f8E4M3FN, axis = 0> scale %as)
         : (tensor<3x4xf8E4M3FN>, tensor<2x4xf8E4M3FN>, tensor<2xf32>, tensor<3xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

func.func @e4m3_x_e5m2(%a: tensor<2x4xf8E4M3FN>, %w: tensor<2x4xf8E5M2>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E5M2> scale %ws) input(#quantx.scheme<f8E4M3FN> scale %as)
         : (tensor<2x4xf8E4M3FN>, tensor<2x4xf8E5M2>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

func.func @e5m2_x_e5m2(%a: tensor<2x4xf8E5M2>, %w: tensor<2x4xf8E5M2>, %ws: tensor<f32>, %as: tensor<f32>) -> tensor<2x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E5M2> scale %ws) input(#quantx.scheme<f8E5M2> scale %as)
         : (tensor<2x4xf8E5M2>, tensor<2x4xf8E5M2>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

func.func @requant_e4m3(%a: tensor<3x4xf8E4M3FN>, %w: tensor<4x4xf8E4M3FN>, %ws: tensor<f32>, %as: tensor<3xf32>, %os: tensor<f32>) -> tensor<3x4xf8E4M3FN> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %ws)
         input(#quantx.scheme<f8E4M3FN, axis = 0> scale %as)
         output(#quantx.scheme<f8E4M3FN> scale %os)
         : (tensor<3x4xf8E4M3FN>, tensor<4x4xf8E4M3FN>, tensor<f32>, tensor<3xf32>, tensor<f32>) -> tensor<3x4xf8E4M3FN>
  return %y : tensor<3x4xf8E4M3FN>
}

func.func @requant_i8(%a: tensor<2x4xf8E4M3FN>, %w: tensor<5x4xf8E4M3FN>, %ws: tensor<f32>, %as: tensor<f32>, %os: tensor<f32>, %oz: tensor<i8>) -> tensor<2x5xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %ws)
         input(#quantx.scheme<f8E4M3FN> scale %as)
         output(#quantx.scheme<i8> scale %os zero_point %oz)
         : (tensor<2x4xf8E4M3FN>, tensor<5x4xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<2x5xi8>
  return %y : tensor<2x5xi8>
}

func.func @requant_e5m2(%a: tensor<3x2xf8E5M2>, %w: tensor<3x2xf8E4M3FN>, %ws: tensor<f32>, %as: tensor<f32>, %os: tensor<f32>) -> tensor<3x3xf8E5M2> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %ws)
         input(#quantx.scheme<f8E5M2> scale %as)
         output(#quantx.scheme<f8E5M2> scale %os)
         : (tensor<3x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3x3xf8E5M2>
  return %y : tensor<3x3xf8E5M2>
}

// Non-finite accumulators (E5M2 inputs can hold +-inf): float result,
// i8 requantize (NaN -> zero point, +-inf saturate) and E4M3FN requantize
// (+-inf saturate to +-448, NaN stays NaN), per quantx.quantize's rules.
func.func @nonfinite_f32(%a: tensor<1x2xf8E5M2>, %w: tensor<3x2xf8E4M3FN>, %s: tensor<f32>) -> tensor<1x3xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E5M2> scale %s)
         : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

func.func @nonfinite_i8(%a: tensor<1x2xf8E5M2>, %w: tensor<3x2xf8E4M3FN>, %s: tensor<f32>, %oz: tensor<i8>) -> tensor<1x3xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E5M2> scale %s)
         output(#quantx.scheme<i8> scale %s zero_point %oz)
         : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<1x3xi8>
  return %y : tensor<1x3xi8>
}

func.func @nonfinite_e4m3(%a: tensor<1x2xf8E5M2>, %w: tensor<3x2xf8E4M3FN>, %s: tensor<f32>) -> tensor<1x3xf8E4M3FN> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E5M2> scale %s)
         output(#quantx.scheme<f8E4M3FN> scale %s)
         : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<1x3xf8E4M3FN>
  return %y : tensor<1x3xf8E4M3FN>
}

func.func @main() {
  // --- E4M3FN x E4M3FN, per tensor: sa = 0.5, sw = 2, so y = acc ----------
  // E4M3FN codes used: 1 = 0x38 (56), 2 = 0x40 (64), 0.5 = 0x30 (48),
  //   -1 = 0xB8 (-72), 448 = 0x7E (126), 1.5 = 0x3C (60), 3 = 0x44 (68),
  //   -2 = 0xC0 (-64), 0.25 = 0x28 (40), 4 = 0x48 (72), 8 = 0x50 (80),
  //   -0.75 = 0xB4 (-76), 1.25 = 0x3A (58), 2^-9 = 0x01 (1, min subnormal)
  // A = [[1, 2, 0.5, -1], [448, 1.5, 3, -2]]
  // W = [[1, 1, 1, 1], [448, 0.25, 4, 8], [-0.75, 1.25, 2^-9, 2]]
  // row 0: 2.5 ; 448 + 0.5 + 2 - 8 = 442.5 ; -0.75 + 2.5 + 2^-10 - 2 = -0.2490234375 -> -0.249023
  // row 1: 450.5 ; 200704 + 0.375 + 12 - 16 = 200700.375 -> 200700 ;
  //        -336 + 1.875 + 3 * 2^-9 - 4 = -338.119140625 -> -338.119
  %ab0 = arith.constant dense<[[56, 64, 48, -72], [126, 60, 68, -64]]> : tensor<2x4xi8>
  %wb0 = arith.constant dense<[[56, 56, 56, 56], [126, 40, 72, 80], [-76, 58, 1, 64]]> : tensor<3x4xi8>
  %a0 = arith.bitcast %ab0 : tensor<2x4xi8> to tensor<2x4xf8E4M3FN>
  %w0 = arith.bitcast %wb0 : tensor<3x4xi8> to tensor<3x4xf8E4M3FN>
  %two = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %y0 = call @e4m3_per_tensor(%a0, %w0, %two, %half) : (tensor<2x4xf8E4M3FN>, tensor<3x4xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  %p0 = tensor.cast %y0 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: Unranked Memref {{.*}} sizes = [2, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[2.5,   442.5,   -0.249023],
  // CHECK-NEXT: [450.5,   200700,   -338.119]]

  // --- per-row input scales, per-channel weight scales ---------------------
  // A = [[1, 1, 1, 1], [0.5, -0.25, 4, 1.5], [448, 448, -448, 0]], sa = [0.5, 2, 0.25]
  //   codes: -0.25 = 0xA8 (-88), -448 = 0xFE (-2)
  // W = [[1, 2, 3, 4], [0.125, 0.125, -0.5, 1]], sw = [1, 4]
  //   codes: 0.125 = 0x20 (32), -0.5 = 0xB0 (-80)
  // row 0: acc = [10, 0.75]              * [0.5, 2]  -> [5, 1.5]
  // row 1: acc = [0.5 - 0.5 + 12 + 6 = 18, 0.0625 - 0.03125 - 2 + 1.5 = -0.46875]
  //        * [2, 8]                               -> [36, -3.75]
  // row 2: acc = [448 + 896 - 1344 = 0, 56 + 56 + 224 = 336] * [0.25, 1] -> [0, 336]
  %ab1 = arith.constant dense<[[56, 56, 56, 56], [48, -88, 72, 60], [126, 126, -2, 0]]> : tensor<3x4xi8>
  %wb1 = arith.constant dense<[[56, 64, 68, 72], [32, 32, -80, 56]]> : tensor<2x4xi8>
  %a1 = arith.bitcast %ab1 : tensor<3x4xi8> to tensor<3x4xf8E4M3FN>
  %w1 = arith.bitcast %wb1 : tensor<2x4xi8> to tensor<2x4xf8E4M3FN>
  %ws1 = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %as1 = arith.constant dense<[0.5, 2.0, 0.25]> : tensor<3xf32>
  %y1 = call @e4m3_per_row_channel(%a1, %w1, %ws1, %as1) : (tensor<3x4xf8E4M3FN>, tensor<2x4xf8E4M3FN>, tensor<2xf32>, tensor<3xf32>) -> tensor<3x2xf32>
  %p1 = tensor.cast %y1 : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[5,   1.5],
  // CHECK-NEXT: [36,   -3.75],
  // CHECK-NEXT: [0,   336]]

  // --- E4M3FN input x E5M2 weights, sa = 1, sw = 2^-10 ---------------------
  // E5M2 codes: 57344 = 0x7B (123), 1 = 0x3C (60), 0.75 = 0x3A (58), 2 = 0x40 (64),
  //   -1 = 0xBC (-68), -4 = 0xC4 (-60), 0.25 = 0x34 (52), -0.5 = 0xB8 (-72)
  // A (E4M3FN) = [[1, 2, 3, 4], [-0.5, 0.25, 0.125, 448]]  (-0.5 = 0xB0 = -80)
  // W (E5M2)   = [[57344, 1, 0.75, 2], [-1, -4, 0.25, -0.5]]
  // row 0: acc = [57344 + 2 + 2.25 + 8 = 57356.25, -1 - 8 + 0.75 - 2 = -10.25]
  //        y = acc / 1024 = [56.011962890625 -> 56.012, -0.010009765625 -> -0.0100098]
  // row 1: acc = [-28672 + 0.25 + 0.09375 + 896 = -27775.65625, 0.5 - 1 + 0.03125 - 224 = -224.46875]
  //        y = [-27.124664306640625 -> -27.1247, -0.219207763671875 -> -0.219208]
  %ab2 = arith.constant dense<[[56, 64, 68, 72], [-80, 40, 32, 126]]> : tensor<2x4xi8>
  %wb2 = arith.constant dense<[[123, 60, 58, 64], [-68, -60, 52, -72]]> : tensor<2x4xi8>
  %a2 = arith.bitcast %ab2 : tensor<2x4xi8> to tensor<2x4xf8E4M3FN>
  %w2 = arith.bitcast %wb2 : tensor<2x4xi8> to tensor<2x4xf8E5M2>
  %one = arith.constant dense<1.0> : tensor<f32>
  %ws2 = arith.constant dense<0.0009765625> : tensor<f32>
  %y2 = call @e4m3_x_e5m2(%a2, %w2, %ws2, %one) : (tensor<2x4xf8E4M3FN>, tensor<2x4xf8E5M2>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32>
  %p2 = tensor.cast %y2 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[56.012,   -0.0100098],
  // CHECK-NEXT: [-27.1247,   -0.219208]]

  // --- E5M2 x E5M2, sa = 0.25, sw = 2^-10 (same W) --------------------------
  // A (E5M2) = [[1, 2, 3, 4], [-0.5, 0.25, 0.125, 57344]]
  //   codes: 1 = 60, 2 = 64, 3 = 0x42 (66), 4 = 0x44 (68), -0.5 = -72, 0.25 = 52, 0.125 = 0x30 (48), 57344 = 123
  // row 0: acc = [57356.25, -10.25] / 4096 = [14.0029907... -> 14.003, -0.002502441... -> -0.00250244]
  // row 1: acc = [-28672 + 0.25 + 0.09375 + 114688 = 86016.34375, 0.5 - 1 + 0.03125 - 28672 = -28672.46875]
  //        / 4096 = [21.000083923... -> 21.0001, -7.000114440... -> -7.00011]
  %ab3 = arith.constant dense<[[60, 64, 66, 68], [-72, 52, 48, 123]]> : tensor<2x4xi8>
  %a3 = arith.bitcast %ab3 : tensor<2x4xi8> to tensor<2x4xf8E5M2>
  %quarter = arith.constant dense<0.25> : tensor<f32>
  %y3 = call @e5m2_x_e5m2(%a3, %w2, %ws2, %quarter) : (tensor<2x4xf8E5M2>, tensor<2x4xf8E5M2>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32>
  %p3 = tensor.cast %y3 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[14.003,   -0.00250244],
  // CHECK-NEXT: [21.0001,   -7.00011]]

  // --- requantize to f8E4M3FN: ties to even, saturation, subnormals --------
  // sw = 1, so = 1, sa = [1, 1, 0.5] (per row) -> multiplier [1, 1, 0.5]
  // W = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [-1, -1, -1, -1]]
  // row 0: A = [16, 1, 18, 1] (16 = 0x58, 18 = 0x59)
  //   17 -> tie 16 (m=000) / 18 (m=001) -> 16 = 0x58 = 88
  //   19 -> tie 18 (m=001) / 20 (m=010) -> 20 = 0x5A = 90
  //   36 = 1.001b * 2^5 -> 0x61 = 97 ; -36 -> 0xE1 = 225
  // row 1: A = [448, 448, 256, 240] (256 = 0x78, 240 = 0x77)
  //   896 -> 448 = 0x7E = 126 ; 496 -> 126 ; 1392 -> 126 ; -1392 -> -448 = 0xFE = 254
  // row 2: A = [2^-9, 2^-8, 2^-9, -2^-7] (codes 1, 2, 1, 0x84 = -124), times 0.5:
  //   3 * 2^-10 -> tie 2^-9 (code 1) / 2^-8 (code 2) -> code 2
  //   (2^-9 - 2^-7) / 2 = -3 * 2^-10 -> -2^-8 = 0x82 = 130
  //   (1 + 2 + 1 - 4) * 2^-9 = +0 -> 0 ; -(...) = +0 -> 0
  %ab4 = arith.constant dense<[[88, 56, 89, 56], [126, 126, 120, 119], [1, 2, 1, -124]]> : tensor<3x4xi8>
  %wb4 = arith.constant dense<[[56, 56, 0, 0], [0, 0, 56, 56], [56, 56, 56, 56], [-72, -72, -72, -72]]> : tensor<4x4xi8>
  %a4 = arith.bitcast %ab4 : tensor<3x4xi8> to tensor<3x4xf8E4M3FN>
  %w4 = arith.bitcast %wb4 : tensor<4x4xi8> to tensor<4x4xf8E4M3FN>
  %as4 = arith.constant dense<[1.0, 1.0, 0.5]> : tensor<3xf32>
  %y4 = call @requant_e4m3(%a4, %w4, %one, %as4, %one) : (tensor<3x4xf8E4M3FN>, tensor<4x4xf8E4M3FN>, tensor<f32>, tensor<3xf32>, tensor<f32>) -> tensor<3x4xf8E4M3FN>
  %c4 = arith.bitcast %y4 : tensor<3x4xf8E4M3FN> to tensor<3x4xi8>
  %e4 = arith.extui %c4 : tensor<3x4xi8> to tensor<3x4xi32>
  %p4 = tensor.cast %e4 : tensor<3x4xi32> to tensor<*xi32>
  call @printMemrefI32(%p4) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 4] strides = [4, 1] data =
  // CHECK-NEXT: {{\[}}[88,   90,   97,   225],
  // CHECK-NEXT: [126,   126,   126,   254],
  // CHECK-NEXT: [2,   130,   0,   0]]

  // --- requantize FP8 to i8 with zero point 10 -----------------------------
  // sa = sw = so = 0.5 -> multiplier 0.5; W = e0, e1, e2, e3, [1, 1, 1, 1]
  // row 0: A = [1, 3, 5, 7] (5 = 0x4A = 74, 7 = 0x4E = 78)
  //   x = [0.5, 1.5, 2.5, 3.5, 8] -> [0, 2, 2, 4, 8] + 10 -> [10, 12, 12, 14, 18]
  // row 1: A = [448, -448, 448, 448]
  //   x = [224, -224, 224, 224, 448] + 10 -> [127, -128, 127, 127, 127]
  %ab5 = arith.constant dense<[[56, 68, 74, 78], [126, -2, 126, 126]]> : tensor<2x4xi8>
  %wb5 = arith.constant dense<[[56, 0, 0, 0], [0, 56, 0, 0], [0, 0, 56, 0], [0, 0, 0, 56], [56, 56, 56, 56]]> : tensor<5x4xi8>
  %a5 = arith.bitcast %ab5 : tensor<2x4xi8> to tensor<2x4xf8E4M3FN>
  %w5 = arith.bitcast %wb5 : tensor<5x4xi8> to tensor<5x4xf8E4M3FN>
  %oz5 = arith.constant dense<10> : tensor<i8>
  %y5 = call @requant_i8(%a5, %w5, %half, %half, %half, %oz5) : (tensor<2x4xf8E4M3FN>, tensor<5x4xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<2x5xi8>
  %e5 = arith.extsi %y5 : tensor<2x5xi8> to tensor<2x5xi32>
  %p5 = tensor.cast %e5 : tensor<2x5xi32> to tensor<*xi32>
  call @printMemrefI32(%p5) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [2, 5] strides = [5, 1] data =
  // CHECK-NEXT: {{\[}}[10,   12,   12,   14,   18],
  // CHECK-NEXT: [127,   -128,   127,   127,   127]]

  // --- E5M2 input x E4M3FN weights, requantized to f8E5M2 ------------------
  // scales all 1; W (E4M3FN) = [[1, 1], [-1, -1], [448, 0]]
  // E5M2 in [16, 32) has spacing 4, in [4096, 8192) spacing 1024.
  // row 0: A = [16, 2] (0x4C = 76, 0x40 = 64)
  //   18 -> tie 16 (m=00) / 20 (m=01) -> 16 = 0x4C = 76 ; -18 -> 0xCC = 204
  //   7168 = 1.11b * 2^12 -> 0x6F = 111
  // row 1: A = [16, 6] (6 = 0x46 = 70)
  //   22 -> tie 20 (m=01) / 24 (m=10) -> 24 = 0x4E = 78 ; -22 -> 0xCE = 206 ; 7168 -> 111
  // row 2: A = [57344, 4] (0x7B = 123, 0x44 = 68)
  //   57348 -> saturates to 57344 = 0x7B = 123 ; -57348 -> 0xFB = 251
  //   57344 * 448 = 25690112 -> 123
  %ab6 = arith.constant dense<[[76, 64], [76, 70], [123, 68]]> : tensor<3x2xi8>
  %wb6 = arith.constant dense<[[56, 56], [-72, -72], [126, 0]]> : tensor<3x2xi8>
  %a6 = arith.bitcast %ab6 : tensor<3x2xi8> to tensor<3x2xf8E5M2>
  %w6 = arith.bitcast %wb6 : tensor<3x2xi8> to tensor<3x2xf8E4M3FN>
  %y6 = call @requant_e5m2(%a6, %w6, %one, %one, %one) : (tensor<3x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3x3xf8E5M2>
  %c6 = arith.bitcast %y6 : tensor<3x3xf8E5M2> to tensor<3x3xi8>
  %e6 = arith.extui %c6 : tensor<3x3xi8> to tensor<3x3xi32>
  %p6 = tensor.cast %e6 : tensor<3x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p6) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[76,   204,   111],
  // CHECK-NEXT: [78,   206,   111],
  // CHECK-NEXT: [123,   251,   123]]

  // --- non-finite accumulators ---------------------------------------------
  // A (E5M2) = [+inf (0x7C = 124), 1 (60)]; W (E4M3FN) = [[0, 0], [1, 1], [-1, -1]]; scales 1
  //   n0: inf * 0 + 1 * 0 = NaN ; n1: inf + 1 = +inf ; n2: -inf - 1 = -inf
  // f32 result: [nan, inf, -inf] (the sign of the NaN is not specified)
  // i8 with zero point 5: [NaN -> 5, +inf -> 127, -inf -> -128]
  // E4M3FN: [NaN (0x7F or 0xFF), +448 = 0x7E = 126, -448 = 0xFE = 254]
  %ab7 = arith.constant dense<[[124, 60]]> : tensor<1x2xi8>
  %a7 = arith.bitcast %ab7 : tensor<1x2xi8> to tensor<1x2xf8E5M2>
  %wb7 = arith.constant dense<[[0, 0], [56, 56], [-72, -72]]> : tensor<3x2xi8>
  %w7 = arith.bitcast %wb7 : tensor<3x2xi8> to tensor<3x2xf8E4M3FN>
  %y7 = call @nonfinite_f32(%a7, %w7, %one) : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>) -> tensor<1x3xf32>
  %p7 = tensor.cast %y7 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p7) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[{{-?}}nan,   inf,   -inf]]
  %oz7 = arith.constant dense<5> : tensor<i8>
  %y8 = call @nonfinite_i8(%a7, %w7, %one, %oz7) : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>, tensor<i8>) -> tensor<1x3xi8>
  %e8 = arith.extsi %y8 : tensor<1x3xi8> to tensor<1x3xi32>
  %p8 = tensor.cast %e8 : tensor<1x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p8) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[5,   127,   -128]]
  %y9 = call @nonfinite_e4m3(%a7, %w7, %one) : (tensor<1x2xf8E5M2>, tensor<3x2xf8E4M3FN>, tensor<f32>) -> tensor<1x3xf8E4M3FN>
  %c9 = arith.bitcast %y9 : tensor<1x3xf8E4M3FN> to tensor<1x3xi8>
  %e9 = arith.extui %c9 : tensor<1x3xi8> to tensor<1x3xi32>
  %p9 = tensor.cast %e9 : tensor<1x3xi32> to tensor<*xi32>
  call @printMemrefI32(%p9) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 3] strides = [3, 1] data =
  // CHECK-NEXT: {{\[}}[{{127|255}},   126,   254]]
  return
}
