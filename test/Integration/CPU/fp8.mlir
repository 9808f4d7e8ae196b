// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// FP8 quantize / dequantize / fake_quant (f8E4M3FN and f8E5M2).
// Numerics of record: x / scale (f32 division) is converted with round half
// to even and saturation: finite values and infinities beyond the largest
// finite value (E4M3FN 448, E5M2 57344) become +-max; subnormals are exact
// (E4M3FN smallest 2^-9, E5M2 2^-16); NaN -> code 0x7F with the input's sign.
// Dequantize decodes exactly (NaN, E5M2 +-inf included) and multiplies by
// the scale in f32, then rounds to the result type.
//
// Quantize results are printed as raw codes (bitcast to i8, extui to i32);
// the comments give each code in hex. Code layout:
//   E4M3FN: s eeee mmm, bias 7, value (1 + m/8) * 2^(e-7), e = 0: m/8 * 2^-6
//   E5M2:   s eeeee mm, bias 15, value (1 + m/4) * 2^(e-15), e = 0: m/4 * 2^-14
// Expected values were derived by hand and checked with a small Python model
// that enumerates all codes exactly (fractions) and picks the nearest, ties to
// the even code, never from quant-opt's output. NaN values produced by
// dequantize / fake_quant are matched as {{-?nan}} (their sign is unspecified).

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @codes_e4(%t: tensor<8xf8E4M3FN>) {
  %b = arith.bitcast %t : tensor<8xf8E4M3FN> to tensor<8xi8>
  %e = arith.extui %b : tensor<8xi8> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @codes_e5(%t: tensor<8xf8E5M2>) {
  %b = arith.bitcast %t : tensor<8xf8E5M2> to tensor<8xi8>
  %e = arith.extui %b : tensor<8xi8> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pf32(%t: tensor<8xf32>) {
  %u = tensor.cast %t : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// Scale as a runtime argument.
func.func @q_e4_args(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf8E4M3FN> {
  %q = quantx.quantize %x as #quantx.scheme<f8E4M3FN> scale(%s : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  return %q : tensor<8xf8E4M3FN>
}

func.func @main() {
  %s1 = arith.constant dense<1.0> : tensor<f32>
  %s2 = arith.constant dense<2.0> : tensor<f32>
  %sh = arith.constant dense<0.5> : tensor<f32>
  %sd = arith.constant dense<0.1> : tensor<f32>

  //===--------------------------------------------------------------------===//
  // f8E4M3FN quantize
  //===--------------------------------------------------------------------===//

  // Exact values: 1 = 0x38 (56); -1 = 0xB8 (184); 448 = 0x7E (126); -448 = 0xFE (254);
  // 0.5 = 0x30 (48); 1.125 = 0x39 (57); 2^-6 (min normal) = 0x08; 2^-9 (min subnormal) = 0x01.
  %a1 = arith.constant dense<[1.0, -1.0, 448.0, -448.0, 0.5, 1.125, 0.015625, 0.001953125]> : tensor<8xf32>
  %qa1 = quantx.quantize %a1 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa1) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[56, 184, 126, 254, 48, 57, 8, 1]

  // Saturation: 449, 464 (half-way to the would-be 480), 479, 480, 1000, 1e30 and +inf
  // all -> 448 = 0x7E (126); -inf -> -448 = 0xFE (254).
  %a2 = arith.constant dense<[449.0, 464.0, 479.0, 480.0, 1000.0, 1.0e30, 0x7F800000, 0xFF800000]> : tensor<8xf32>
  %qa2 = quantx.quantize %a2 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa2) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[126, 126, 126, 126, 126, 126, 126, 254]

  // Subnormals (units of 2^-9):
  // 0.5 -> tie 0/1 -> 0x00; 1.5 -> tie 1/2 -> 0x02; 0.75 -> 0x01; 0.25 -> 0x00;
  // -0.5 -> -0 = 0x80 (128); 7.5 -> tie 7 (0x07) / 8 (0x08 = 2^-6) -> 0x08;
  // 2.5 -> tie 2/3 -> 0x02; -1.5 -> 0x82 (130).
  %a3 = arith.constant dense<[0.0009765625, 0.0029296875, 0.00146484375, 0.00048828125, -0.0009765625, 0.0146484375, 0.0048828125, -0.0029296875]> : tensor<8xf32>
  %qa3 = quantx.quantize %a3 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa3) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[0, 2, 1, 0, 128, 8, 2, 130]

  // Normal-range ties: 1.0625 -> tie 1 (0x38) / 1.125 (0x39) -> 0x38 (56);
  // 1.1875 -> tie 0x39 / 0x3A -> 0x3A (58); 15.5 -> tie 15 (0x57) / 16 (0x58) -> 0x58 (88);
  // 14.5 -> tie 14 (0x56) / 15 (0x57) -> 0x56 (86); -1.0625 -> 0xB8 (184);
  // 400 -> tie 384 (0x7C) / 416 (0x7D) -> 0x7C (124); 432 -> tie 416 / 448 -> 0x7E (126);
  // 416 exact -> 0x7D (125).
  %a4 = arith.constant dense<[1.0625, 1.1875, 15.5, 14.5, -1.0625, 400.0, 432.0, 416.0]> : tensor<8xf32>
  %qa4 = quantx.quantize %a4 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa4) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[56, 58, 88, 86, 184, 124, 126, 125]

  // Zeros and NaN: 0 -> 0x00; -0 -> 0x80 (128); NaN -> 0x7F (127); -NaN -> 0xFF (255);
  // 2^-11 (below half the min subnormal) -> 0x00; -2^-11 -> 0x80; -1e-30 -> 0x80; 1e-30 -> 0x00.
  %a5 = arith.constant dense<[0.0, -0.0, 0x7FC00000, 0xFFC00000, 0.00048828125, -0.00048828125, -1.0e-30, 1.0e-30]> : tensor<8xf32>
  %qa5 = quantx.quantize %a5 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa5) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[0, 128, 127, 255, 0, 128, 128, 0]

  // Scale 2: -NaN -> 0xFF (255); 896/2 = 448 -> 0x7E (126); 3/2 = 1.5 -> 0x3C (60);
  // 1000/2 = 500 -> 0x7E; 2^-8/2 = 2^-9 -> 0x01; 1.5*2^-7/2 = 3*2^-9 -> 0x03;
  // 0.3/2 = 0.15 -> spacing 2^-6 in [0.125, 0.25): 9.6 -> 10 -> 0.15625 = 0x22 (34);
  // -0.3 -> 0xA2 (162).
  %a6 = arith.constant dense<[0xFFC00000, 896.0, 3.0, 1000.0, 0.00390625, 0.01171875, 0.3, -0.3]> : tensor<8xf32>
  %qa6 = quantx.quantize %a6 as #quantx.scheme<f8E4M3FN> scale(%s2 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa6) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[255, 126, 60, 126, 1, 3, 34, 162]

  // Scale 0.1 (true f32 division): 1/0.1 = 10 -> 0x52 (82); f32(0.3)/0.1 = 3 -> 0x44 (68);
  // 0.1/0.1 = 1 -> 0x38 (56); -0.7/0.1 = -7 -> 0xCE (206); 50 -> 500 -> 0x7E;
  // 44.8 -> 448 -> 0x7E; 44.9 -> 449 -> 0x7E; 0.00019 -> 0.0019 = 0.97 * 2^-9 -> 0x01.
  %a7 = arith.constant dense<[1.0, 0.3, 0.1, -0.7, 50.0, 44.8, 44.9, 0.00019]> : tensor<8xf32>
  %qa7 = quantx.quantize %a7 as #quantx.scheme<f8E4M3FN> scale(%sd : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa7) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[82, 68, 56, 206, 126, 126, 126, 1]

  // The same with the scale passed at runtime.
  %qa7b = call @q_e4_args(%a7, %sd) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa7b) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[82, 68, 56, 206, 126, 126, 126, 1]

  // bf16 input, scale 0.5: 1 -> 2 = 0x40 (64); bf16(3e38)/0.5 overflows f32 to inf -> 0x7E;
  // -0 -> 0x80; NaN -> 0x7F; 200 -> 400 -> tie -> 0x7C (124); 2^-10 -> 2^-9 -> 0x01;
  // -224 -> -448 -> 0xFE (254); 0.75 -> 1.5 -> 0x3C (60).
  %a8 = arith.constant dense<[1.0, 3.0e38, -0.0, 0x7FC0, 200.0, 0.0009765625, -224.0, 0.75]> : tensor<8xbf16>
  %qa8 = quantx.quantize %a8 as #quantx.scheme<f8E4M3FN> scale(%sh : tensor<f32>) : tensor<8xbf16> -> tensor<8xf8E4M3FN>
  call @codes_e4(%qa8) : (tensor<8xf8E4M3FN>) -> ()
  // CHECK: {{^}}[64, 126, 128, 127, 124, 1, 254, 60]

  // Per channel, axis 0, scales [1, 2^-8]:
  // row 0: 0.5 -> 0x30 (48); 300 -> spacing 32: 9.375 -> 9 -> 288 = 0x79 (121);
  //        -2^-9 -> 0x81 (129); 0.01 -> 5.12 * 2^-9 -> 0x05
  // row 1: 0.5 * 2^8 = 128 -> 0x70 (112); 300*2^-8 / 2^-8 = 300 -> 0x79;
  //        -2^-17 / 2^-8 = -2^-9 -> 0x81; 2^-16 / 2^-8 = 2 * 2^-9 -> 0x02
  %a9 = arith.constant dense<[[0.5, 300.0, -0.001953125, 0.01], [0.5, 1.171875, -7.62939453125e-06, 1.52587890625e-05]]> : tensor<2x4xf32>
  %s9 = arith.constant dense<[1.0, 0.00390625]> : tensor<2xf32>
  %qa9 = quantx.quantize %a9 as #quantx.scheme<f8E4M3FN, axis = 0> scale(%s9 : tensor<2xf32>) : tensor<2x4xf32> -> tensor<2x4xf8E4M3FN>
  %ba9 = arith.bitcast %qa9 : tensor<2x4xf8E4M3FN> to tensor<2x4xi8>
  %ea9 = arith.extui %ba9 : tensor<2x4xi8> to tensor<2x4xi32>
  %ua9 = tensor.cast %ea9 : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%ua9) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}48, 121, 129, 5],
  // CHECK-NEXT: [112, 121, 129, 2]]

  //===--------------------------------------------------------------------===//
  // f8E5M2 quantize
  //===--------------------------------------------------------------------===//

  // Exact values: 1 = 0x3C (60); -1 = 0xBC (188); 57344 = 0x7B (123); -57344 = 0xFB (251);
  // 2^-14 (min normal) = 0x04; 2^-16 (min subnormal) = 0x01; 1.25 = 0x3D (61); 0.75 = 0x3A (58).
  %b1 = arith.constant dense<[1.0, -1.0, 57344.0, -57344.0, 6.103515625e-05, 1.52587890625e-05, 1.25, 0.75]> : tensor<8xf32>
  %qb1 = quantx.quantize %b1 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb1) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[60, 188, 123, 251, 4, 1, 61, 58]

  // Saturation (never the inf code 0x7C): 57345, 61439, 61440 (half-way to 65536),
  // 65536, 1e6, 1e30, +inf -> 0x7B (123); -inf -> 0xFB (251).
  %b2 = arith.constant dense<[57345.0, 61439.0, 61440.0, 65536.0, 1.0e6, 1.0e30, 0x7F800000, 0xFF800000]> : tensor<8xf32>
  %qb2 = quantx.quantize %b2 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb2) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[123, 123, 123, 123, 123, 123, 123, 251]

  // Subnormals (units of 2^-16): 0.5 -> tie 0/1 -> 0x00; 1.5 -> tie 1/2 -> 0x02;
  // 0.75 -> 0x01; 0.25 -> 0x00; -0.5 -> 0x80 (128); -1.5 -> 0x82 (130);
  // 3.5 -> tie 3 (0x03) / 4 (0x04 = 2^-14) -> 0x04; 2.5 -> tie 2/3 -> 0x02.
  %b3 = arith.constant dense<[7.62939453125e-06, 2.288818359375e-05, 1.1444091796875e-05, 3.814697265625e-06, -7.62939453125e-06, -2.288818359375e-05, 5.340576171875e-05, 3.814697265625e-05]> : tensor<8xf32>
  %qb3 = quantx.quantize %b3 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb3) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[0, 2, 1, 0, 128, 130, 4, 2]

  // Normal-range ties: 1.125 -> tie 1 (0x3C) / 1.25 (0x3D) -> 0x3C (60);
  // 1.375 -> tie 1.25 / 1.5 (0x3E) -> 0x3E (62); -1.125 -> 0xBC (188);
  // 13 -> tie 12 (0x4A) / 14 (0x4B) -> 0x4A (74); 45056 -> tie 40960 (0x79) / 49152 (0x7A) -> 0x7A (122);
  // 53248 -> tie 49152 (0x7A) / 57344 (0x7B) -> 0x7A (122); -53248 -> 0xFA (250);
  // 3.5 * 2^-16 -> 0x04 (see above).
  %b4 = arith.constant dense<[1.125, 1.375, -1.125, 13.0, 45056.0, 53248.0, -53248.0, 5.340576171875e-05]> : tensor<8xf32>
  %qb4 = quantx.quantize %b4 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb4) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[60, 62, 188, 74, 122, 122, 250, 4]

  // Zeros and NaN: 0 -> 0x00; -0 -> 0x80; NaN -> 0x7F (127); -NaN -> 0xFF (255);
  // 2^-18 -> 0x00; -2^-18 -> 0x80; -1e-30 -> 0x80; 1e-30 -> 0x00.
  %b5 = arith.constant dense<[0.0, -0.0, 0x7FC00000, 0xFFC00000, 3.814697265625e-06, -3.814697265625e-06, -1.0e-30, 1.0e-30]> : tensor<8xf32>
  %qb5 = quantx.quantize %b5 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb5) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[0, 128, 127, 255, 0, 128, 128, 0]

  // Scale 2: 3/2 = 1.5 -> 0x3E (62); 114688/2 = 57344 -> 0x7B; 1e9 -> 0x7B;
  // 0.3/2 = 0.15 -> spacing 2^-5 in [0.125, 0.25): 4.8 -> 5 -> 0.15625 = 0x31 (49);
  // -0.15 -> 0xB1 (177); 2^-14/2 = 2^-15 -> 0x02; 100/2 = 50 -> spacing 8: 6.25 -> 6 -> 48 = 0x52 (82);
  // -0 -> 0x80.
  %b6 = arith.constant dense<[3.0, 114688.0, 1.0e9, 0.3, -0.3, 6.103515625e-05, 100.0, -0.0]> : tensor<8xf32>
  %qb6 = quantx.quantize %b6 as #quantx.scheme<f8E5M2> scale(%s2 : tensor<f32>) : tensor<8xf32> -> tensor<8xf8E5M2>
  call @codes_e5(%qb6) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[62, 123, 123, 49, 177, 2, 82, 128]

  // f16 input, scale 1: 65504 -> 0x7B; -65504 -> 0xFB; 2^-14 -> 0x04; 2^-16 -> 0x01;
  // 2^-24 -> 0x00; +inf -> 0x7B; NaN -> 0x7F; 1.5 -> 0x3E.
  %b7 = arith.constant dense<[65504.0, -65504.0, 6.103515625e-05, 1.52587890625e-05, 5.9604644775390625e-08, 0x7C00, 0x7E00, 1.5]> : tensor<8xf16>
  %qb7 = quantx.quantize %b7 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf16> -> tensor<8xf8E5M2>
  call @codes_e5(%qb7) : (tensor<8xf8E5M2>) -> ()
  // CHECK: {{^}}[123, 251, 4, 1, 0, 123, 127, 62]

  // Per channel, axis 1 on 2x4, scales [1, 2, 0.5, 1024]:
  // row 0: 100 -> spacing 16: 6.25 -> 6 -> 96 = 0x56 (86); 50 -> 48 = 0x52 (82);
  //        200 -> spacing 32: 6.25 -> 6 -> 192 = 0x5A (90); 1e8/1024 = 97656 -> 0x7B (123)
  // row 1: -3 -> 0xC2 (194); -1.5 -> 0xBE (190); -6 -> 0xC6 (198);
  //        -3/1024 = -1.5 * 2^-9 -> 0x9A (154)
  %b8 = arith.constant dense<[[100.0, 100.0, 100.0, 1.0e8], [-3.0, -3.0, -3.0, -3.0]]> : tensor<2x4xf32>
  %s8 = arith.constant dense<[1.0, 2.0, 0.5, 1024.0]> : tensor<4xf32>
  %qb8 = quantx.quantize %b8 as #quantx.scheme<f8E5M2, axis = 1> scale(%s8 : tensor<4xf32>) : tensor<2x4xf32> -> tensor<2x4xf8E5M2>
  %bb8 = arith.bitcast %qb8 : tensor<2x4xf8E5M2> to tensor<2x4xi8>
  %eb8 = arith.extui %bb8 : tensor<2x4xi8> to tensor<2x4xi32>
  %ub8 = tensor.cast %eb8 : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%ub8) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}86, 82, 90, 123],
  // CHECK-NEXT: [194, 190, 198, 154]]

  //===--------------------------------------------------------------------===//
  // fake_quant
  //===--------------------------------------------------------------------===//

  // E4M3FN, scale 1: 1.0625 -> 1; 500 -> 448; +inf -> 448; -inf -> -448; NaN -> nan;
  // 1.5 * 2^-9 -> 2^-8 = 0.00390625; -0 -> -0; 0.3 -> spacing 2^-5: 9.6 -> 10 -> 0.3125.
  %c1 = arith.constant dense<[1.0625, 500.0, 0x7F800000, 0xFF800000, 0x7FC00000, 0.0029296875, -0.0, 0.3]> : tensor<8xf32>
  %fc1 = quantx.fake_quant %c1 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fc1) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[1, 448, 448, -448, {{-?nan}}, 0.00390625, -0, 0.3125]

  // E4M3FN, scale 2: 3 -> 1.5 -> 3; 1000 -> 448 -> 896; +inf -> 896; 0.3 -> 0.15 -> 0.15625 -> 0.3125;
  // -2.125 -> -1.0625 -> tie -> -1 -> -2; 2^-8 -> 2^-9 -> 2^-8; 100 -> 50 -> tie 48/52 -> 48 -> 96; -0 -> -0.
  %c2 = arith.constant dense<[3.0, 1000.0, 0x7F800000, 0.3, -2.125, 0.00390625, 100.0, -0.0]> : tensor<8xf32>
  %fc2 = quantx.fake_quant %c2 as #quantx.scheme<f8E4M3FN> scale(%s2 : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fc2) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[3, 896, 896, 0.3125, -2, 0.00390625, 96, -0]

  // E5M2, scale 1: 1.125 -> 1; 60000 -> 57344; +inf -> 57344; -inf -> -57344; NaN -> nan;
  // 3 * 2^-17 -> tie -> 2 * 2^-16 = 3.05176e-05; -0 -> -0; 0.3 -> spacing 2^-4: 4.8 -> 5 -> 0.3125.
  %c3 = arith.constant dense<[1.125, 60000.0, 0x7F800000, 0xFF800000, 0x7FC00000, 2.288818359375e-05, -0.0, 0.3]> : tensor<8xf32>
  %fc3 = quantx.fake_quant %c3 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fc3) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[1, 57344, 57344, -57344, {{-?nan}}, 3.05176e-05, -0, 0.3125]

  // E5M2, scale 0.1: 1 -> 10 (exact) -> 1; 0.3 -> 3 -> 0.3; 0.1 -> 1 -> 0.1; -0.7 -> -7 -> -0.7;
  // 50 -> 500 -> spacing 64: 7.8 -> 512 -> 51.2; 7000 -> 70000 -> 57344 -> 5734.4; 1e5 -> 5734.4;
  // 0.00019 -> 0.0019 -> spacing 2^-12: 7.78 -> 8 -> 2^-9 -> 0.0001953125.
  %c4 = arith.constant dense<[1.0, 0.3, 0.1, -0.7, 50.0, 7000.0, 1.0e5, 0.00019]> : tensor<8xf32>
  %fc4 = quantx.fake_quant %c4 as #quantx.scheme<f8E5M2> scale(%sd : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fc4) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[1, 0.3, 0.1, -0.7, 51.2, 5734.4, 5734.4, 0.000195313]

  //===--------------------------------------------------------------------===//
  // dequantize of special codes
  //===--------------------------------------------------------------------===//

  // E4M3FN codes 0x7F (NaN), 0x7E (448), 0x01 (2^-9), 0x08 (2^-6), 0x00, 0x80 (-0),
  // 0xFE (-448), 0x38 (1).
  %d1i = arith.constant dense<[0x7F, 0x7E, 0x01, 0x08, 0x00, 0x80, 0xFE, 0x38]> : tensor<8xi8>
  %d1c = arith.bitcast %d1i : tensor<8xi8> to tensor<8xf8E4M3FN>
  %d1 = quantx.dequantize %d1c as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<8xf8E4M3FN> -> tensor<8xf32>
  call @pf32(%d1) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[{{-?nan}}, 448, 0.00195312, 0.015625, 0, -0, -448, 1]

  // Same codes, scale 0.5.
  %d2 = quantx.dequantize %d1c as #quantx.scheme<f8E4M3FN> scale(%sh : tensor<f32>) : tensor<8xf8E4M3FN> -> tensor<8xf32>
  call @pf32(%d2) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[{{-?nan}}, 224, 0.000976562, 0.0078125, 0, -0, -224, 0.5]

  // E4M3FN -> f16 with scale 2^-16 (products rounded to f16, min subnormal 2^-24):
  // 0x01 -> 2^-25 -> tie 0 / 2^-24 -> 0; 0x02 -> 2^-24 = 5.96046e-08; 0x03 -> 1.5 * 2^-24 -> tie -> 2^-23;
  // 0x06 -> 3 * 2^-24 = 1.78814e-07; 0x7E -> 448 * 2^-16 = 0.00683594; 0x08 -> 2^-22;
  // 0x81 -> -2^-25 -> -0; 0x38 -> 2^-16 = 1.52588e-05.
  %d3i = arith.constant dense<[0x01, 0x02, 0x03, 0x06, 0x7E, 0x08, 0x81, 0x38]> : tensor<8xi8>
  %d3c = arith.bitcast %d3i : tensor<8xi8> to tensor<8xf8E4M3FN>
  %s16 = arith.constant dense<1.52587890625e-05> : tensor<f32>
  %d3 = quantx.dequantize %d3c as #quantx.scheme<f8E4M3FN> scale(%s16 : tensor<f32>) : tensor<8xf8E4M3FN> -> tensor<8xf16>
  %d3e = arith.extf %d3 : tensor<8xf16> to tensor<8xf32>
  call @pf32(%d3e) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[0, 5.96046e-08, 1.19209e-07, 1.78814e-07, 0.00683594, 2.38419e-07, -0, 1.52588e-05]

  // E5M2 codes 0x7C (inf), 0xFC (-inf), 0x7B (57344), 0x01 (2^-16), 0x7D (NaN),
  // 0x04 (2^-14), 0x80 (-0), 0x7E (NaN).
  %d4i = arith.constant dense<[0x7C, 0xFC, 0x7B, 0x01, 0x7D, 0x04, 0x80, 0x7E]> : tensor<8xi8>
  %d4c = arith.bitcast %d4i : tensor<8xi8> to tensor<8xf8E5M2>
  %d4 = quantx.dequantize %d4c as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<8xf8E5M2> -> tensor<8xf32>
  call @pf32(%d4) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[inf, -inf, 57344, 1.52588e-05, {{-?nan}}, 6.10352e-05, -0, {{-?nan}}]

  // Same codes, scale 2: inf, -inf, 114688, 2^-15, NaN, 2^-13, -0, NaN.
  %d5 = quantx.dequantize %d4c as #quantx.scheme<f8E5M2> scale(%s2 : tensor<f32>) : tensor<8xf8E5M2> -> tensor<8xf32>
  call @pf32(%d5) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[inf, -inf, 114688, 3.05176e-05, {{-?nan}}, 0.00012207, -0, {{-?nan}}]

  // Same codes and scale 2 with an f16 result: 114688 overflows f16 -> inf.
  %d6 = quantx.dequantize %d4c as #quantx.scheme<f8E5M2> scale(%s2 : tensor<f32>) : tensor<8xf8E5M2> -> tensor<8xf16>
  %d6e = arith.extf %d6 : tensor<8xf16> to tensor<8xf32>
  call @pf32(%d6e) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[inf, -inf, inf, 3.05176e-05, {{-?nan}}, 0.00012207, -0, {{-?nan}}]

  //===--------------------------------------------------------------------===//
  // More granularities, types and edge cases
  //===--------------------------------------------------------------------===//

  // E4M3FN fake_quant, group 2 along axis 0 on 4x2, scales [[2, .5], [.25, .001]]:
  // (0,0) 1/2 = 0.5 -> 1;  (0,1) 500/0.5 = 1000 -> 448 -> 224
  // (1,0) 3/2 = 1.5 -> 3;  (1,1) -0.001/0.5 = -0.002 = -1.024 * 2^-9 -> -2^-9 -> -0.000976562
  // (2,0) 100/.25 = 400 -> tie 384/416 -> 384 -> 96;  (2,1) 2/0.001 = 2000 -> 448 -> 0.448
  // (3,0) -7/.25 = -28 -> -28 (exact) -> -7;  (3,1) 0.3/0.001 = 300 -> 288 -> 0.288
  %g1 = arith.constant dense<[[1.0, 500.0], [3.0, -0.001], [100.0, 2.0], [-7.0, 0.3]]> : tensor<4x2xf32>
  %gs1 = arith.constant dense<[[2.0, 0.5], [0.25, 0.001]]> : tensor<2x2xf32>
  %gf1 = quantx.fake_quant %g1 as #quantx.scheme<f8E4M3FN, axis = 0, group = 2> scale(%gs1 : tensor<2x2xf32>) : tensor<4x2xf32> -> tensor<4x2xf32>
  %ug1 = tensor.cast %gf1 : tensor<4x2xf32> to tensor<*xf32>
  call @printMemrefF32(%ug1) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}1, 224],
  // CHECK-NEXT: [3, -0.000976562],
  // CHECK-NEXT: [96, 0.448],
  // CHECK-NEXT: [-7, 0.288]]

  // Negative NaN inputs keep their sign: f16 -NaN -> 0xFF (255); f16 NaN -> 0x7F (127);
  // f16 -0 -> 0x80 (128); f16 -inf -> 0xFE (254)  [E4M3FN]
  // bf16 -NaN -> 0xFF; bf16 NaN -> 0x7F; bf16 -0 -> 0x80; bf16 -inf -> 0xFB (251)  [E5M2]
  %n16 = arith.constant dense<[0xFE00, 0x7E00, 0x8000, 0xFC00]> : tensor<4xf16>
  %qn16 = quantx.quantize %n16 as #quantx.scheme<f8E4M3FN> scale(%s1 : tensor<f32>) : tensor<4xf16> -> tensor<4xf8E4M3FN>
  %bn16 = arith.bitcast %qn16 : tensor<4xf8E4M3FN> to tensor<4xi8>
  %nb16 = arith.constant dense<[0xFFC0, 0x7FC0, 0x8000, 0xFF80]> : tensor<4xbf16>
  %qnb16 = quantx.quantize %nb16 as #quantx.scheme<f8E5M2> scale(%s1 : tensor<f32>) : tensor<4xbf16> -> tensor<4xf8E5M2>
  %bnb16 = arith.bitcast %qnb16 : tensor<4xf8E5M2> to tensor<4xi8>
  %bn = tensor.concat dim(0) %bn16, %bnb16 : (tensor<4xi8>, tensor<4xi8>) -> tensor<8xi8>
  %en = arith.extui %bn : tensor<8xi8> to tensor<8xi32>
  %un = tensor.cast %en : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%un) : (tensor<*xi32>) -> ()
  // CHECK: {{^}}[255, 127, 128, 254, 255, 127, 128, 251]

  // x / scale overflowing f32 (scale 1e-10): +-3e38 -> +-inf -> +-448 (0x7E, 0xFE);
  // +-1e-30 -> +-1e-20 -> +-0 (0x00, 0x80).
  %ov = arith.constant dense<[3.0e38, -3.0e38, 1.0e-30, -1.0e-30]> : tensor<4xf32>
  %sov = arith.constant dense<1.0e-10> : tensor<f32>
  %qov = quantx.quantize %ov as #quantx.scheme<f8E4M3FN> scale(%sov : tensor<f32>) : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %bov = arith.bitcast %qov : tensor<4xf8E4M3FN> to tensor<4xi8>
  %eov = arith.extui %bov : tensor<4xi8> to tensor<4xi32>
  %uov = tensor.cast %eov : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%uov) : (tensor<*xi32>) -> ()
  // CHECK: {{^}}[126, 254, 0, 128]

  // E5M2 dequantize to bf16, scale 3: 0x7B -> 57344 * 3 = 172032 (exact in bf16);
  // 0x7C -> inf; 0x01 -> 3 * 2^-16 = 4.57764e-05; 0x7D -> NaN.
  %c5 = arith.constant dense<[0x7B, 0x7C, 0x01, 0x7D]> : tensor<4xi8>
  %c5f = arith.bitcast %c5 : tensor<4xi8> to tensor<4xf8E5M2>
  %s3 = arith.constant dense<3.0> : tensor<f32>
  %d5b = quantx.dequantize %c5f as #quantx.scheme<f8E5M2> scale(%s3 : tensor<f32>) : tensor<4xf8E5M2> -> tensor<4xbf16>
  %d5be = arith.extf %d5b : tensor<4xbf16> to tensor<4xf32>
  %ud5b = tensor.cast %d5be : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%ud5b) : (tensor<*xf32>) -> ()
  // CHECK: {{^}}[172032, inf, 4.57764e-05, {{-?nan}}]

  // E5M2 fake_quant, f16 in and out, scale 3:
  // 60000/3 = 20000 -> spacing 4096: 4.88 -> 5 -> 20480 -> 61440; 1/3 = 0.3333 -> spacing 2^-4:
  // 5.33 -> 5 -> 0.3125 -> 0.9375; +inf -> 57344 -> 172032 -> f16 inf;
  // f16(0.1) = 0.0999756 / 3 = 0.033325 -> spacing 2^-7: 4.27 -> 4 -> 0.03125 -> 0.09375.
  %h5 = arith.constant dense<[60000.0, 1.0, 0x7C00, 0.1]> : tensor<4xf16>
  %fh5 = quantx.fake_quant %h5 as #quantx.scheme<f8E5M2> scale(%s3 : tensor<f32>) : tensor<4xf16> -> tensor<4xf16>
  %fh5e = arith.extf %fh5 : tensor<4xf16> to tensor<4xf32>
  %ufh5 = tensor.cast %fh5e : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%ufh5) : (tensor<*xf32>) -> ()
  // CHECK: {{^}}[61440, 0.9375, inf, 0.09375]

  return
}
