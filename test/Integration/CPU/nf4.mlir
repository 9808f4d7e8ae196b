// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// NF4 quantize / dequantize / fake_quant.
// Numerics of record: x / scale (f32 division) maps to the nearest entry of
// the 16-entry bitsandbytes NF4 code book
//   c = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
//        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
//        0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
//        0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
//        0.7229568362236023, 1.0]
// an exact f32 midpoint (c_i + c_{i+1}) / 2 takes the lower code, values
// beyond +-1 clamp to codes 0 / 15, NaN -> code 7. Codes are i4 bit patterns
// 0..15 (printed with extui). Dequantize gives c[q] * scale in f32, rounded to
// the result type.
// Expected values: by hand and with a small independent Python model (f32
// rounding via struct, f32 midpoints m_i = f32(c_i + c_{i+1}) * 0.5, f32
// neighbours via the bit pattern +-1), never from quant-opt's output.

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @pcodes(%t: tensor<?xi4>) {
  %e = arith.extui %t : tensor<?xi4> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pf32(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// NF4 quantize with a runtime scale.
func.func @q_nf4(%x: tensor<?xf32>, %s: tensor<f32>) -> tensor<?xi4> {
  %q = quantx.quantize %x as #quantx.scheme<nf4> scale(%s : tensor<f32>) : tensor<?xf32> -> tensor<?xi4>
  return %q : tensor<?xi4>
}

func.func @main() {
  %s1 = arith.constant dense<1.0> : tensor<f32>
  %s2 = arith.constant dense<2.0> : tensor<f32>
  %sh = arith.constant dense<0.5> : tensor<f32>

  // ---- the 16 code-book values themselves -> codes 0..15 ---------------------
  %cb = arith.constant dense<[-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0]> : tensor<16xf32>
  %q1 = quantx.quantize %cb as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<16xf32> -> tensor<16xi4>
  %q1d = tensor.cast %q1 : tensor<16xi4> to tensor<?xi4>
  call @pcodes(%q1d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]

  // ---- one f32 ulp below each midpoint m_0 .. m_14 -> lower codes 0..14 ------
  // (m_i = f32(c_i + c_{i+1}) * 0.5; these neighbours are unambiguously nearer c_i)
  %below = arith.constant dense<[-0.84809643, -0.610632956, -0.4599953, -0.33967945, -0.234607413, -0.137911752, -0.0455250219, 0.0397901461, 0.120255239, 0.203521237, 0.292013735, 0.389312506, 0.501663387, 0.64278686, 0.861478388]> : tensor<15xf32>
  %q2 = quantx.quantize %below as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<15xf32> -> tensor<15xi4>
  %q2d = tensor.cast %q2 : tensor<15xi4> to tensor<?xi4>
  call @pcodes(%q2d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]

  // ---- one f32 ulp above each midpoint -> upper codes 1..15 -----------------
  %above = arith.constant dense<[-0.848096311, -0.610632837, -0.45999524, -0.33967939, -0.234607384, -0.137911722, -0.0455250144, 0.0397901535, 0.120255254, 0.203521267, 0.292013794, 0.389312565, 0.501663506, 0.64278698, 0.861478508]> : tensor<15xf32>
  %q3 = quantx.quantize %above as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<15xf32> -> tensor<15xi4>
  %q3d = tensor.cast %q3 : tensor<15xi4> to tensor<?xi4>
  call @pcodes(%q3d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]

  // ---- exact midpoints -> the lower code ------------------------------------
  // For i = 2, 6, 7, 9, 11, 13 the sum c_i + c_{i+1} is exact in f32, so m_i is
  // the true half-way point: m_2 = -0.45999527 -> 2, m_6 = -0.0455250181 -> 6,
  // m_7 = 0.0397901498 -> 7, m_9 = 0.203521252 -> 9, m_11 = 0.389312536 -> 11,
  // m_13 = 0.64278692 -> 13.
  %mids = arith.constant dense<[-0.45999527, -0.0455250181, 0.0397901498, 0.203521252, 0.389312536, 0.64278692]> : tensor<6xf32>
  %q4 = quantx.quantize %mids as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<6xf32> -> tensor<6xi4>
  %q4d = tensor.cast %q4 : tensor<6xi4> to tensor<?xi4>
  call @pcodes(%q4d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[2, 6, 7, 9, 11, 13]

  // The same midpoints with the scale passed at runtime (scale 1) and doubled
  // inputs with scale 2 (2 * m_i / 2 = m_i exactly).
  %mids_d = tensor.cast %mids : tensor<6xf32> to tensor<?xf32>
  %q4b = call @q_nf4(%mids_d, %s1) : (tensor<?xf32>, tensor<f32>) -> tensor<?xi4>
  call @pcodes(%q4b) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[2, 6, 7, 9, 11, 13]
  %mids2 = arith.constant dense<[-0.91999054, -0.0910500363, 0.0795802996, 0.407042503, 0.778625071, 1.28557384]> : tensor<6xf32>
  %q4c = quantx.quantize %mids2 as #quantx.scheme<nf4> scale(%s2 : tensor<f32>) : tensor<6xf32> -> tensor<6xi4>
  %q4cd = tensor.cast %q4c : tensor<6xi4> to tensor<?xi4>
  call @pcodes(%q4cd) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[2, 6, 7, 9, 11, 13]

  // ---- the remaining f32-rounded midpoints -----------------------------------
  // For i = 0, 1, 3, 4, 5, 8, 10, 12, 14 the sum is inexact and m_i is only the
  // f32 rounding of the half-way point. Following the convention of record
  // (the f32 midpoint m_i = f32(c_i + c_{i+1}) * 0.5 takes the lower code)
  // these give codes 0, 1, 3, 4, 5, 8, 10, 12, 14. (A strict "nearest entry"
  // reading would instead give 1, 2, 4, 5, 5, 8, 10, 13, 15 here; see the
  // report accompanying this test.)
  %mids_r = arith.constant dense<[-0.848096371, -0.610632896, -0.33967942, -0.234607399, -0.137911737, 0.120255247, 0.292013764, 0.501663446, 0.861478448]> : tensor<9xf32>
  %q5 = quantx.quantize %mids_r as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<9xf32> -> tensor<9xi4>
  %q5d = tensor.cast %q5 : tensor<9xi4> to tensor<?xi4>
  call @pcodes(%q5d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[0, 1, 3, 4, 5, 8, 10, 12, 14]

  // ---- clamping and NaN --------------------------------------------------------
  // 1.0000001, 2, 1e30, +inf -> 15; -1.0000001, -2, -inf -> 0; NaN, -NaN -> 7; -0 -> 7.
  %cl = arith.constant dense<[1.00000012, 2.0, 1.0e30, 0x7F800000, -1.00000012, -2.0, 0xFF800000, 0x7FC00000, 0xFFC00000, -0.0]> : tensor<10xf32>
  %q6 = quantx.quantize %cl as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<10xf32> -> tensor<10xi4>
  %q6d = tensor.cast %q6 : tensor<10xi4> to tensor<?xi4>
  call @pcodes(%q6d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[15, 15, 15, 15, 0, 0, 0, 7, 7, 7]

  // ---- scale 2 -----------------------------------------------------------------
  // x / 2 = 1 -> 15; -1 -> 0; 0.05 (> m_7 = 0.0398) -> 8; -0.05 (< m_6 = -0.0455) -> 6;
  // 0.5 (< m_12 = 0.5017) -> 12; -0.5 (< m_2 = -0.46) -> 2; 0.25 (c_10 = 0.2461) -> 10;
  // -0.25 (< m_4 = -0.2346) -> 4.
  %x7 = arith.constant dense<[2.0, -2.0, 0.1, -0.1, 1.0, -1.0, 0.5, -0.5]> : tensor<8xf32>
  %q7 = quantx.quantize %x7 as #quantx.scheme<nf4> scale(%s2 : tensor<f32>) : tensor<8xf32> -> tensor<8xi4>
  %q7d = tensor.cast %q7 : tensor<8xi4> to tensor<?xi4>
  call @pcodes(%q7d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[15, 0, 8, 6, 12, 2, 10, 4]

  // ---- bf16 input, scale 0.5 -----------------------------------------------------
  // 0.5 -> 1 -> 15; -0.5 -> 0; 0.25 -> 0.5 -> 12; -0.25 -> -0.5 -> 2;
  // bf16(0.1) = 0.10009765625 -> 0.2002 (< m_9 = 0.2035) -> 9;
  // bf16(0.3) = 0.30078125 -> 0.6016 (< m_13 = 0.6428) -> 13; NaN -> 7; -inf -> 0.
  %x8 = arith.constant dense<[0.5, -0.5, 0.25, -0.25, 0.1, 0.3, 0x7FC0, 0xFF80]> : tensor<8xbf16>
  %q8 = quantx.quantize %x8 as #quantx.scheme<nf4> scale(%sh : tensor<f32>) : tensor<8xbf16> -> tensor<8xi4>
  %q8d = tensor.cast %q8 : tensor<8xi4> to tensor<?xi4>
  call @pcodes(%q8d) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[15, 0, 12, 2, 9, 13, 7, 0]

  // ---- dequantize codes 0..15 with scale 2 -> 2 * c_i (f32) ----------------------
  %codes = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi4>
  %d1 = quantx.dequantize %codes as #quantx.scheme<nf4> scale(%s2 : tensor<f32>) : tensor<16xi4> -> tensor<16xf32>
  %d1d = tensor.cast %d1 : tensor<16xf32> to tensor<?xf32>
  call @pf32(%d1d) : (tensor<?xf32>) -> ()
  // CHECK: {{^}}[-2, -1.39239, -1.05015, -0.789835, -0.568883, -0.369547, -0.1821, 0, 0.159161, 0.32186, 0.492225, 0.67583, 0.88142, 1.12523, 1.44591, 2]

  // ---- dequantize codes 0..15, scale 0.1, f16 result: f16(f32(c_i * 0.1)) ------
  %s01 = arith.constant dense<0.1> : tensor<f32>
  %d2 = quantx.dequantize %codes as #quantx.scheme<nf4> scale(%s01 : tensor<f32>) : tensor<16xi4> -> tensor<16xf16>
  %d2e = arith.extf %d2 : tensor<16xf16> to tensor<16xf32>
  %d2d = tensor.cast %d2e : tensor<16xf32> to tensor<?xf32>
  call @pf32(%d2d) : (tensor<?xf32>) -> ()
  // CHECK: {{^}}[-0.0999756, -0.0696411, -0.0525208, -0.0394897, -0.0284424, -0.0184784, -0.00910187, 0, 0.00795746, 0.016098, 0.0246124, 0.033783, 0.0440674, 0.0562744, 0.0722656, 0.0999756]

  // ---- dequantize codes 0..15, scale 3, bf16 result: bf16(f32(c_i * 3)) ----------
  %s3 = arith.constant dense<3.0> : tensor<f32>
  %d3 = quantx.dequantize %codes as #quantx.scheme<nf4> scale(%s3 : tensor<f32>) : tensor<16xi4> -> tensor<16xbf16>
  %d3e = arith.extf %d3 : tensor<16xbf16> to tensor<16xf32>
  %d3d = tensor.cast %d3e : tensor<16xf32> to tensor<?xf32>
  call @pf32(%d3d) : (tensor<?xf32>) -> ()
  // CHECK: {{^}}[-3, -2.09375, -1.57812, -1.1875, -0.851562, -0.554688, -0.273438, 0, 0.238281, 0.482422, 0.738281, 1.01562, 1.32031, 1.6875, 2.17188, 3]

  // ---- fake_quant, per tensor, scale 0.5 -------------------------------------------
  // 0.3 -> 0.6 -> 13 -> 0.5626170 * 0.5 = 0.281309; -0.3 -> -0.6 -> 2 -> -0.262537;
  // 0.45 -> 0.9 (> m_14 = 0.8615) -> 15 -> 0.5; -0.45 -> -0.9 -> 0 -> -0.5; 0.6 -> 1.2 -> 15 -> 0.5;
  // NaN -> 7 -> 0; +inf -> 15 -> 0.5; -0 -> 7 -> 0.
  %x9 = arith.constant dense<[0.3, -0.3, 0.45, -0.45, 0.6, 0x7FC00000, 0x7F800000, -0.0]> : tensor<8xf32>
  %f9 = quantx.fake_quant %x9 as #quantx.scheme<nf4> scale(%sh : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  %f9d = tensor.cast %f9 : tensor<8xf32> to tensor<?xf32>
  call @pf32(%f9d) : (tensor<?xf32>) -> ()
  // CHECK: {{^}}[0.281309, -0.262537, 0.5, -0.5, 0.5, 0, 0.5, 0]

  // ---- group-wise NF4 with absmax scales: axis 1, group 4 on 2x8 -------------------
  // row 0: group [4, -2, 1, 0.5] absmax 4; group [0.3, -0.1, 0.05, 0.2] absmax 0.3
  // row 1: group [-3, 1.5, -0.9, 2.2] absmax 3; group [10, -10, 7, -6] absmax 10
  // x / s: row 0: 1, -0.5, 0.25, 0.125 | 1, -0.3333, 0.1667, 0.6667
  //        row 1: -1, 0.5, -0.3, 0.7333 | 1, -1, 0.7, -0.6
  // codes: row 0: 15, 2 (< m_2), 10 (c_10 = 0.2461), 9 (> m_8 = 0.1203) |
  //               15, 4 (> m_3 = -0.3397), 9 (c_9 = 0.1609), 14 (> m_13 = 0.6428)
  //        row 1: 0, 12 (< m_12), 4 (c_4 = -0.2844), 14 | 15, 0, 14 (c_14 = 0.7230),
  //               2 (-0.6 lies between m_1 = -0.6106 and m_2 = -0.46)
  %xg = arith.constant dense<[[4.0, -2.0, 1.0, 0.5, 0.3, -0.1, 0.05, 0.2], [-3.0, 1.5, -0.9, 2.2, 10.0, -10.0, 7.0, -6.0]]> : tensor<2x8xf32>
  %sg = arith.constant dense<[[4.0, 0.3], [3.0, 10.0]]> : tensor<2x2xf32>
  %qg = quantx.quantize %xg as #quantx.scheme<nf4, axis = 1, group = 4> scale(%sg : tensor<2x2xf32>) : tensor<2x8xf32> -> tensor<2x8xi4>
  %eg = arith.extui %qg : tensor<2x8xi4> to tensor<2x8xi32>
  %ug = tensor.cast %eg : tensor<2x8xi32> to tensor<*xi32>
  call @printMemrefI32(%ug) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}15, 2, 10, 9, 15, 4, 9, 14],
  // CHECK-NEXT: [0, 12, 4, 14, 15, 0, 14, 2]]

  // Dequantize of those codes with the same scales: c[q] * s
  // row 0: 4, -0.5250731 * 4 = -2.10029, 0.2461123 * 4 = 0.984449, 0.1609302 * 4 = 0.643721 |
  //        0.3, -0.2844414 * 0.3 = -0.0853324, 0.1609302 * 0.3 = 0.0482791, 0.7229568 * 0.3 = 0.216887
  // row 1: -3, 0.4407098 * 3 = 1.32213, -0.2844414 * 3 = -0.853324, 0.7229568 * 3 = 2.16887 |
  //        10, -10, 7.22957, -5.25073
  %dg = quantx.dequantize %qg as #quantx.scheme<nf4, axis = 1, group = 4> scale(%sg : tensor<2x2xf32>) : tensor<2x8xi4> -> tensor<2x8xf32>
  %udg = tensor.cast %dg : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%udg) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}4, -2.10029, 0.984449, 0.643721, 0.3, -0.0853324, 0.0482791, 0.216887],
  // CHECK-NEXT: [-3, 1.32213, -0.853324, 2.16887, 10, -10, 7.22957, -5.25073]]

  // fake_quant with the same scheme and scales gives the same values.
  %fg = quantx.fake_quant %xg as #quantx.scheme<nf4, axis = 1, group = 4> scale(%sg : tensor<2x2xf32>) : tensor<2x8xf32> -> tensor<2x8xf32>
  %ufg = tensor.cast %fg : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%ufg) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}4, -2.10029, 0.984449, 0.643721, 0.3, -0.0853324, 0.0482791, 0.216887],
  // CHECK-NEXT: [-3, 1.32213, -0.853324, 2.16887, 10, -10, 7.22957, -5.25073]]

  // ---- group-wise NF4 along axis 0, group 2 on 4x2 (absmax per 2 rows) ----------
  // rows 0-1: col 0 [1, -0.5] absmax 1; col 1 [-8, 2] absmax 8
  // rows 2-3: col 0 [0.1, -0.2] absmax 0.2; col 1 [3, -0.6] absmax 3
  // x / s: (1, -1), (-0.5, 0.25), (0.5, 1), (-1, -0.2)
  // codes: (15, 0), (2, 10), (12, 15), (0, 5 (c_5 = -0.1848))
  %xa = arith.constant dense<[[1.0, -8.0], [-0.5, 2.0], [0.1, 3.0], [-0.2, -0.6]]> : tensor<4x2xf32>
  %sa = arith.constant dense<[[1.0, 8.0], [0.2, 3.0]]> : tensor<2x2xf32>
  %qa = quantx.quantize %xa as #quantx.scheme<nf4, axis = 0, group = 2> scale(%sa : tensor<2x2xf32>) : tensor<4x2xf32> -> tensor<4x2xi4>
  %ea = arith.extui %qa : tensor<4x2xi4> to tensor<4x2xi32>
  %ua = tensor.cast %ea : tensor<4x2xi32> to tensor<*xi32>
  call @printMemrefI32(%ua) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}15, 0],
  // CHECK-NEXT: [2, 10],
  // CHECK-NEXT: [12, 15],
  // CHECK-NEXT: [0, 5]]

  // ---- per channel axis 0, f16 input, bf16 scales [1, 3], f16 fake_quant ---------
  // row 0 (s 1): 1 -> 15 -> 1; 0.5 -> 12 -> 0.4407098 -> f16 0.440674;
  //              -0.25 -> 4 -> -0.2844414 -> f16 -0.284424
  // row 1 (s 3): 3 -> 1 -> 15 -> 3; -3 -> 0 -> -3; f16(0.6) = 0.60009766 / 3 = 0.20003
  //              (< m_9 = 0.2035) -> 9 -> 0.1609302 * 3 = 0.4827906 -> f16 0.48291
  %xc = arith.constant dense<[[1.0, 0.5, -0.25], [3.0, -3.0, 0.6]]> : tensor<2x3xf16>
  %sc = arith.constant dense<[1.0, 3.0]> : tensor<2xbf16>
  %fc = quantx.fake_quant %xc as #quantx.scheme<nf4, axis = 0> scale(%sc : tensor<2xbf16>) : tensor<2x3xf16> -> tensor<2x3xf16>
  %fce = arith.extf %fc : tensor<2x3xf16> to tensor<2x3xf32>
  %ufc = tensor.cast %fce : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%ufc) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}1, 0.440674, -0.284424],
  // CHECK-NEXT: [3, -3, 0.48291]]

  // ---- x / scale overflowing f32 (scale 1e-10) ----------------------------------
  // 3e38 -> +inf -> 15; -3e38 -> -inf -> 0; +-1e-30 -> +-1e-20 -> 7.
  %xo = arith.constant dense<[3.0e38, -3.0e38, 1.0e-30, -1.0e-30]> : tensor<4xf32>
  %so = arith.constant dense<1.0e-10> : tensor<f32>
  %qo = quantx.quantize %xo as #quantx.scheme<nf4> scale(%so : tensor<f32>) : tensor<4xf32> -> tensor<4xi4>
  %qod = tensor.cast %qo : tensor<4xi4> to tensor<?xi4>
  call @pcodes(%qod) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[15, 0, 7, 7]

  return
}
