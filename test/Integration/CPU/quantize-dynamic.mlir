// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// Every linalg op outlined into shared functions: the same results.
// RUN: quant-opt %s --quantx-cpu-pipeline="outline-min-ops=0" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// quantize / dequantize / fake_quant on dynamically shaped tensors (and
// dynamically shaped scales / zero points). Each op lives in its own
// function with `?` dimensions; @main casts static constants to those shapes.
// Expected values follow the numerics of record
//   q = clamp(round_half_to_even(x / scale) + zp, qmin, qmax), NaN -> zp,
//   dequantize = (q - zp) * scale in f32, rounded to the result type,
// worked out by hand / with a small independent Python model of that
// specification (never copied from quant-opt's output).

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

// Per tensor, i8, fully dynamic 2-D.
func.func @q_i8_pt(%x: tensor<?x?xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<?x?xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?x?xf32> -> tensor<?x?xi8>
  return %q : tensor<?x?xi8>
}

// Per tensor, u8, dynamic 1-D.
func.func @q_u8_1d(%x: tensor<?xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<?xi8> {
  %q = quantx.quantize %x as #quantx.scheme<u8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?xf32> -> tensor<?xi8>
  return %q : tensor<?xi8>
}

// Per channel along the dynamic axis 0, i8 narrow, dynamic scale.
func.func @q_i8_axis0(%x: tensor<?x4xf32>, %s: tensor<?xf32>) -> tensor<?x4xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8, axis = 0, narrow> scale(%s : tensor<?xf32>) : tensor<?x4xf32> -> tensor<?x4xi8>
  return %q : tensor<?x4xi8>
}

// Per channel along axis 1 of a fully dynamic tensor, u4 with zero points.
func.func @q_u4_axis1(%x: tensor<?x?xf32>, %s: tensor<?xf32>, %z: tensor<?xi4>) -> tensor<?x?xi4> {
  %q = quantx.quantize %x as #quantx.scheme<u4, axis = 1> scale(%s : tensor<?xf32>) zero_point(%z : tensor<?xi4>) : tensor<?x?xf32> -> tensor<?x?xi4>
  return %q : tensor<?x?xi4>
}

// Group-wise along the static axis 1 (group 4), dynamic rows.
func.func @q_i8_group4(%x: tensor<?x8xf32>, %s: tensor<?x2xf32>, %z: tensor<?x2xi8>) -> tensor<?x8xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8, axis = 1, group = 4> scale(%s : tensor<?x2xf32>) zero_point(%z : tensor<?x2xi8>) : tensor<?x8xf32> -> tensor<?x8xi8>
  return %q : tensor<?x8xi8>
}

// Group-wise along the dynamic axis 1 (group 2), i4 symmetric.
func.func @q_i4_group2_dynaxis(%x: tensor<2x?xf32>, %s: tensor<2x?xf32>) -> tensor<2x?xi4> {
  %q = quantx.quantize %x as #quantx.scheme<i4, axis = 1, group = 2> scale(%s : tensor<2x?xf32>) : tensor<2x?xf32> -> tensor<2x?xi4>
  return %q : tensor<2x?xi4>
}

// Group-wise along the dynamic axis 0 (group 2), u8 with zero points.
func.func @q_u8_group_axis0(%x: tensor<?x3xf32>, %s: tensor<?x3xf32>, %z: tensor<?x3xi8>) -> tensor<?x3xi8> {
  %q = quantx.quantize %x as #quantx.scheme<u8, axis = 0, group = 2> scale(%s : tensor<?x3xf32>) zero_point(%z : tensor<?x3xi8>) : tensor<?x3xf32> -> tensor<?x3xi8>
  return %q : tensor<?x3xi8>
}

// Dequantize, per channel axis 0, fully dynamic.
func.func @dq_i8_axis0(%q: tensor<?x?xi8>, %s: tensor<?xf32>, %z: tensor<?xi8>) -> tensor<?x?xf32> {
  %d = quantx.dequantize %q as #quantx.scheme<i8, axis = 0> scale(%s : tensor<?xf32>) zero_point(%z : tensor<?xi8>) : tensor<?x?xi8> -> tensor<?x?xf32>
  return %d : tensor<?x?xf32>
}

// Dequantize, u4 group 2 along the dynamic axis 1, f16 result.
func.func @dq_u4_group_f16(%q: tensor<2x?xi4>, %s: tensor<2x?xf32>, %z: tensor<2x?xi4>) -> tensor<2x?xf16> {
  %d = quantx.dequantize %q as #quantx.scheme<u4, axis = 1, group = 2> scale(%s : tensor<2x?xf32>) zero_point(%z : tensor<2x?xi4>) : tensor<2x?xi4> -> tensor<2x?xf16>
  return %d : tensor<2x?xf16>
}

// fake_quant, u8 per tensor, dynamic 1-D.
func.func @fq_u8(%x: tensor<?xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<?xf32> {
  %y = quantx.fake_quant %x as #quantx.scheme<u8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// fake_quant, bf16, i4 group 2 along axis 1, dynamic rows and bf16 scales.
func.func @fq_bf16_group(%x: tensor<?x4xbf16>, %s: tensor<?x2xbf16>) -> tensor<?x4xbf16> {
  %y = quantx.fake_quant %x as #quantx.scheme<i4, axis = 1, group = 2> scale(%s : tensor<?x2xbf16>) : tensor<?x4xbf16> -> tensor<?x4xbf16>
  return %y : tensor<?x4xbf16>
}

func.func @main() {
  // ---- per tensor, i8, ?x?, scale 0.5, zp -3 --------------------------------
  // row 0: -1.25 -> -2.5 -> -2 -> -5; -0.75 -> -1.5 -> -2 -> -5; -0.25 -> -0.5 -> 0 -> -3; 0.25 -> -3
  // row 1: 0.75 -> 1.5 -> 2 -> -1; 1.25 -> 2.5 -> 2 -> -1; NaN -> -3; +inf -> 127
  // row 2: -inf -> -128; 70 -> 140 -> 137 -> 127; -70 -> -143 -> -128; -61.75 -> -123.5 -> -124 -> -127
  %x1 = arith.constant dense<[[-1.25, -0.75, -0.25, 0.25], [0.75, 1.25, 0x7FC00000, 0x7F800000], [0xFF800000, 70.0, -70.0, -61.75]]> : tensor<3x4xf32>
  %x1d = tensor.cast %x1 : tensor<3x4xf32> to tensor<?x?xf32>
  %s1 = arith.constant dense<0.5> : tensor<f32>
  %z1 = arith.constant dense<-3> : tensor<i8>
  %q1 = call @q_i8_pt(%x1d, %s1, %z1) : (tensor<?x?xf32>, tensor<f32>, tensor<i8>) -> tensor<?x?xi8>
  %e1 = arith.extsi %q1 : tensor<?x?xi8> to tensor<?x?xi32>
  %u1 = tensor.cast %e1 : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u1) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [3, 4]
  // CHECK-NEXT: {{^\[\[}}-5, -5, -3, -3],
  // CHECK-NEXT: [-1, -1, -3, 127],
  // CHECK-NEXT: [-128, 127, -128, -127]]

  // ---- per tensor, u8, ? (10 elements), scale 2, zp 100 ----------------------
  // 1 -> 0.5 -> 0 -> 100; 3 -> 1.5 -> 2 -> 102; 5 -> 2.5 -> 2 -> 102; -1 -> -0.5 -> 0 -> 100;
  // -3 -> -1.5 -> -2 -> 98; 310 -> 155 -> 255; -200 -> -100 -> 0; NaN -> 100; -inf -> 0; +inf -> 255
  %x2 = arith.constant dense<[1.0, 3.0, 5.0, -1.0, -3.0, 310.0, -200.0, 0x7FC00000, 0xFF800000, 0x7F800000]> : tensor<10xf32>
  %x2d = tensor.cast %x2 : tensor<10xf32> to tensor<?xf32>
  %s2 = arith.constant dense<2.0> : tensor<f32>
  %z2 = arith.constant dense<100> : tensor<i8>
  %q2 = call @q_u8_1d(%x2d, %s2, %z2) : (tensor<?xf32>, tensor<f32>, tensor<i8>) -> tensor<?xi8>
  %e2 = arith.extui %q2 : tensor<?xi8> to tensor<?xi32>
  %u2 = tensor.cast %e2 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u2) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [10]
  // CHECK-NEXT: {{^}}[100, 102, 102, 100, 98, 255, 0, 100, 0, 255]

  // ---- per channel axis 0, i8 narrow, ?x4, scales [1, 0.25, 3] ---------------
  // every row is [1.5, 2.5, -200, -0.5]
  // row 0 (s 1):   2, 2, -200 -> -127 (narrow), -0.5 -> 0
  // row 1 (s .25): 6, 10, -800 -> -127, -2
  // row 2 (s 3):   0.5 -> 0, 0.833 -> 1, -66.67 -> -67, -0.167 -> 0
  %x3 = arith.constant dense<[[1.5, 2.5, -200.0, -0.5], [1.5, 2.5, -200.0, -0.5], [1.5, 2.5, -200.0, -0.5]]> : tensor<3x4xf32>
  %x3d = tensor.cast %x3 : tensor<3x4xf32> to tensor<?x4xf32>
  %s3 = arith.constant dense<[1.0, 0.25, 3.0]> : tensor<3xf32>
  %s3d = tensor.cast %s3 : tensor<3xf32> to tensor<?xf32>
  %q3 = call @q_i8_axis0(%x3d, %s3d) : (tensor<?x4xf32>, tensor<?xf32>) -> tensor<?x4xi8>
  %e3 = arith.extsi %q3 : tensor<?x4xi8> to tensor<?x4xi32>
  %u3 = tensor.cast %e3 : tensor<?x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u3) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [3, 4]
  // CHECK-NEXT: {{^\[\[}}2, 2, -127, 0],
  // CHECK-NEXT: [6, 10, -127, -2],
  // CHECK-NEXT: [0, 1, -67, 0]]

  // ---- per channel axis 1, u4, ?x? (3x5) ------------------------------------
  // column scales [1, 0.5, 0.25, 2, 0.1], column zero points [0, 8, 15, 1, 3]
  // row 0 (0.5):  0.5 -> 0; 1 -> 9; 2 -> 17 -> 15; 0.25 -> 0 -> 1; 5 -> 8
  // row 1 (1.5):  1.5 -> 2; 3 -> 11; 6 -> 21 -> 15; 0.75 -> 1 -> 2; 15 -> 18 -> 15
  // row 2 (-2.5): -2.5 -> -2 -> 0; -5 -> 3; -10 -> 5; -1.25 -> -1 -> 0; -25 -> -22 -> 0
  %x4 = arith.constant dense<[[0.5, 0.5, 0.5, 0.5, 0.5], [1.5, 1.5, 1.5, 1.5, 1.5], [-2.5, -2.5, -2.5, -2.5, -2.5]]> : tensor<3x5xf32>
  %x4d = tensor.cast %x4 : tensor<3x5xf32> to tensor<?x?xf32>
  %s4 = arith.constant dense<[1.0, 0.5, 0.25, 2.0, 0.1]> : tensor<5xf32>
  %s4d = tensor.cast %s4 : tensor<5xf32> to tensor<?xf32>
  %z4 = arith.constant dense<[0, 8, 15, 1, 3]> : tensor<5xi4>
  %z4d = tensor.cast %z4 : tensor<5xi4> to tensor<?xi4>
  %q4 = call @q_u4_axis1(%x4d, %s4d, %z4d) : (tensor<?x?xf32>, tensor<?xf32>, tensor<?xi4>) -> tensor<?x?xi4>
  %e4 = arith.extui %q4 : tensor<?x?xi4> to tensor<?x?xi32>
  %u4 = tensor.cast %e4 : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [3, 5]
  // CHECK-NEXT: {{^\[\[}}0, 9, 15, 1, 8],
  // CHECK-NEXT: [2, 11, 15, 2, 15],
  // CHECK-NEXT: [0, 3, 5, 0, 0]]

  // ---- group 4 along axis 1, i8, ?x8 (3x8), scale/zp ?x2 ---------------------
  // row 0: s [1, .5],  zp [0, -10]:  0.5 -> 0; 1.5 -> 2; 2.5 -> 2; 3.5 -> 4 |
  //                                  1, 3, 5, 7 -> -9, -7, -5, -3
  // row 1: s [.5, 1],  zp [5, 127]:  -1, -3, -5, -7 -> 4, 2, 0, -2 |
  //                                  -0.5 -> 0, -1.5 -> -2, -2.5 -> -2, -3.5 -> -4 -> 127, 125, 125, 123
  // row 2: s [1, .1],  zp [-128, 0]: 100 -> -28; -100 -> -228 -> -128; 0.1 -> 0 -> -128; -0.1 -> -128 |
  //                                  1000 -> 127; -1000 -> -128; 0.1/0.1 = 1; -1
  %x5 = arith.constant dense<[[0.5, 1.5, 2.5, 3.5, 0.5, 1.5, 2.5, 3.5], [-0.5, -1.5, -2.5, -3.5, -0.5, -1.5, -2.5, -3.5], [100.0, -100.0, 0.1, -0.1, 100.0, -100.0, 0.1, -0.1]]> : tensor<3x8xf32>
  %x5d = tensor.cast %x5 : tensor<3x8xf32> to tensor<?x8xf32>
  %s5 = arith.constant dense<[[1.0, 0.5], [0.5, 1.0], [1.0, 0.1]]> : tensor<3x2xf32>
  %s5d = tensor.cast %s5 : tensor<3x2xf32> to tensor<?x2xf32>
  %z5 = arith.constant dense<[[0, -10], [5, 127], [-128, 0]]> : tensor<3x2xi8>
  %z5d = tensor.cast %z5 : tensor<3x2xi8> to tensor<?x2xi8>
  %q5 = call @q_i8_group4(%x5d, %s5d, %z5d) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi8>) -> tensor<?x8xi8>
  %e5 = arith.extsi %q5 : tensor<?x8xi8> to tensor<?x8xi32>
  %u5 = tensor.cast %e5 : tensor<?x8xi32> to tensor<*xi32>
  call @printMemrefI32(%u5) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [3, 8]
  // CHECK-NEXT: {{^\[\[}}0, 2, 2, 4, -9, -7, -5, -3],
  // CHECK-NEXT: [4, 2, 0, -2, 127, 125, 125, 123],
  // CHECK-NEXT: [-28, -128, -128, -128, 127, -128, 1, -1]]

  // ---- group 2 along the dynamic axis 1, i4, 2x? (2x6), scale 2x? (2x3) ------
  // row 0: s [1, 2, 4]:    1, 2 | 1.5 -> 2, 2 | 1.25 -> 1, 1.5 -> 2
  // row 1: s [.5, 2, .25]: -2, -4 | -1.5 -> -2, -2 | -20 -> -8, -24 -> -8
  %x6 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]]> : tensor<2x6xf32>
  %x6d = tensor.cast %x6 : tensor<2x6xf32> to tensor<2x?xf32>
  %s6 = arith.constant dense<[[1.0, 2.0, 4.0], [0.5, 2.0, 0.25]]> : tensor<2x3xf32>
  %s6d = tensor.cast %s6 : tensor<2x3xf32> to tensor<2x?xf32>
  %q6 = call @q_i4_group2_dynaxis(%x6d, %s6d) : (tensor<2x?xf32>, tensor<2x?xf32>) -> tensor<2x?xi4>
  %e6 = arith.extsi %q6 : tensor<2x?xi4> to tensor<2x?xi32>
  %u6 = tensor.cast %e6 : tensor<2x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u6) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [2, 6]
  // CHECK-NEXT: {{^\[\[}}1, 2, 2, 2, 1, 2],
  // CHECK-NEXT: [-2, -4, -2, -2, -8, -8]]

  // ---- group 2 along the dynamic axis 0, u8, ?x3 (4x3), scale/zp ?x3 (2x3) ---
  // rows 0-1: s [.5, 1, 2], zp [0, 10, 20]
  //   row 0 (1, 2, 3): 2; 12; 1.5 -> 2 -> 22      row 1 (4, 5, 6): 8; 15; 3 -> 23
  // rows 2-3: s [4, .25, .1], zp [128, 255, 1]
  //   row 2 (1, 2, 3): 0.25 -> 0 -> 128; 8 -> 263 -> 255; 3/0.1 = 30 -> 31
  //   row 3 (4, 5, 6): 1 -> 129; 20 -> 255; 60 -> 61
  %x7 = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<4x3xf32>
  %x7d = tensor.cast %x7 : tensor<4x3xf32> to tensor<?x3xf32>
  %s7 = arith.constant dense<[[0.5, 1.0, 2.0], [4.0, 0.25, 0.1]]> : tensor<2x3xf32>
  %s7d = tensor.cast %s7 : tensor<2x3xf32> to tensor<?x3xf32>
  %z7 = arith.constant dense<[[0, 10, 20], [128, 255, 1]]> : tensor<2x3xi8>
  %z7d = tensor.cast %z7 : tensor<2x3xi8> to tensor<?x3xi8>
  %q7 = call @q_u8_group_axis0(%x7d, %s7d, %z7d) : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xi8>) -> tensor<?x3xi8>
  %e7 = arith.extui %q7 : tensor<?x3xi8> to tensor<?x3xi32>
  %u7 = tensor.cast %e7 : tensor<?x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u7) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [4, 3]
  // CHECK-NEXT: {{^\[\[}}2, 12, 22],
  // CHECK-NEXT: [8, 15, 23],
  // CHECK-NEXT: [128, 255, 31],
  // CHECK-NEXT: [129, 255, 61]]

  // ---- dequantize, i8 per channel axis 0, ?x? ---------------------------------
  // row 0: s .5, zp -128: (-128, 0, 127) + 128 = (0, 128, 255) * 0.5 = 0, 64, 127.5
  // row 1: s .1, zp 127:  (-128, 0, 127) - 127 = (-255, -127, 0) * 0.1 = -25.5, -12.7, 0
  %q8 = arith.constant dense<[[-128, 0, 127], [-128, 0, 127]]> : tensor<2x3xi8>
  %q8d = tensor.cast %q8 : tensor<2x3xi8> to tensor<?x?xi8>
  %s8 = arith.constant dense<[0.5, 0.1]> : tensor<2xf32>
  %s8d = tensor.cast %s8 : tensor<2xf32> to tensor<?xf32>
  %z8 = arith.constant dense<[-128, 127]> : tensor<2xi8>
  %z8d = tensor.cast %z8 : tensor<2xi8> to tensor<?xi8>
  %d8 = call @dq_i8_axis0(%q8d, %s8d, %z8d) : (tensor<?x?xi8>, tensor<?xf32>, tensor<?xi8>) -> tensor<?x?xf32>
  %u8 = tensor.cast %d8 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u8) : (tensor<*xf32>) -> ()
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{^\[\[}}0, 64, 127.5],
  // CHECK-NEXT: [-25.5, -12.7, 0]]

  // ---- dequantize, u4 group 2 along dynamic axis 1, f16 result ---------------
  // row 0: s [.1, 1000], zp [8, 0]: (15-8)*0.1 = 0.7 -> f16 0.700195; (0-8)*0.1 = -0.8 -> f16 -0.799805;
  //                                 8*1000 = 8000; 7*1000 = 7000
  // row 1: s [f32(1/3), 65504], zp [0, 1]: 0.33333334 -> f16 0.333252; 0.6666667 -> f16 0.666504;
  //                                 (2-1)*65504 = 65504; (3-1)*65504 = 131008 -> f16 inf
  %q9 = arith.constant dense<[[15, 0, 8, 7], [1, 2, 2, 3]]> : tensor<2x4xi4>
  %q9d = tensor.cast %q9 : tensor<2x4xi4> to tensor<2x?xi4>
  %s9 = arith.constant dense<[[0.1, 1000.0], [0.333333343, 65504.0]]> : tensor<2x2xf32>
  %s9d = tensor.cast %s9 : tensor<2x2xf32> to tensor<2x?xf32>
  %z9 = arith.constant dense<[[8, 0], [0, 1]]> : tensor<2x2xi4>
  %z9d = tensor.cast %z9 : tensor<2x2xi4> to tensor<2x?xi4>
  %d9 = call @dq_u4_group_f16(%q9d, %s9d, %z9d) : (tensor<2x?xi4>, tensor<2x?xf32>, tensor<2x?xi4>) -> tensor<2x?xf16>
  %d9e = arith.extf %d9 : tensor<2x?xf16> to tensor<2x?xf32>
  %u9 = tensor.cast %d9e : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u9) : (tensor<*xf32>) -> ()
  // CHECK: sizes = [2, 4]
  // CHECK-NEXT: {{^\[\[}}0.700195, -0.799805, 8000, 7000],
  // CHECK-NEXT: [0.333252, 0.666504, 65504, inf]]

  // ---- fake_quant, u8, ?, scale 0.1, zp 10 ----------------------------------
  // codes: 0 -> 10; 0.05 -> 0.5 -> 0 -> 10; f32(0.15)/0.1 = 1.5 -> 2 -> 12; -1 -> 0; -2 -> -10 -> 0;
  // 24.5 -> 255; 30 -> 310 -> 255; 1.23 -> 12.3 -> 22; NaN -> 10; -inf -> 0
  // values (q - 10) * 0.1: 0, 0, 0.2, -1, -1, 24.5, 24.5, 1.2, 0, -1
  %x10 = arith.constant dense<[0.0, 0.05, 0.15, -1.0, -2.0, 24.5, 30.0, 1.23, 0x7FC00000, 0xFF800000]> : tensor<10xf32>
  %x10d = tensor.cast %x10 : tensor<10xf32> to tensor<?xf32>
  %s10 = arith.constant dense<0.1> : tensor<f32>
  %z10 = arith.constant dense<10> : tensor<i8>
  %f10 = call @fq_u8(%x10d, %s10, %z10) : (tensor<?xf32>, tensor<f32>, tensor<i8>) -> tensor<?xf32>
  %u10 = tensor.cast %f10 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u10) : (tensor<*xf32>) -> ()
  // CHECK: sizes = [10]
  // CHECK-NEXT: {{^}}[0, 0, 0.2, -1, -1, 24.5, 24.5, 1.2, 0, -1]

  // ---- fake_quant, bf16, i4 group 2 along axis 1, ?x4, bf16 scales ------------
  // row 0: s [bf16(0.3) = 0.30078125, bf16(0.1) = 0.10009765625]
  //   1 -> 3.32 -> 3 -> 0.90234375; -1 -> -0.902344;
  //   bf16(0.3) / 0.10009765625 = 3.0049 -> 3 -> 0.30029296875 -> bf16 0.30078125; -0.300781
  // row 1: s [1, 7]: 7 -> 7; 8 -> 7 (clamp) -> 7; 100/7 = 14.3 -> 7 -> 49; -100/7 -> -8 -> -56
  %x11 = arith.constant dense<[[1.0, -1.0, 0.3, -0.3], [7.0, 8.0, 100.0, -100.0]]> : tensor<2x4xbf16>
  %x11d = tensor.cast %x11 : tensor<2x4xbf16> to tensor<?x4xbf16>
  %s11 = arith.constant dense<[[0.3, 0.1], [1.0, 7.0]]> : tensor<2x2xbf16>
  %s11d = tensor.cast %s11 : tensor<2x2xbf16> to tensor<?x2xbf16>
  %f11 = call @fq_bf16_group(%x11d, %s11d) : (tensor<?x4xbf16>, tensor<?x2xbf16>) -> tensor<?x4xbf16>
  %f11e = arith.extf %f11 : tensor<?x4xbf16> to tensor<?x4xf32>
  %u11 = tensor.cast %f11e : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u11) : (tensor<*xf32>) -> ()
  // CHECK: sizes = [2, 4]
  // CHECK-NEXT: {{^\[\[}}0.902344, -0.902344, 0.300781, -0.300781],
  // CHECK-NEXT: [7, 7, 49, -56]]

  return
}
