// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Integer quantize / dequantize / fake_quant (i8, u8, i4, u4), checked
// against the numerics of record:
//   q = clamp(round_half_to_even(x / scale) + zp, qmin, qmax)   (f32 division)
//   NaN -> zp, +-inf saturate, narrow raises qmin by one,
//   dequantize = (q - zp) * scale in f32, then rounded to the result type.
// Expected values were worked out by hand / with a small independent Python
// model of that specification (struct-based f32/f16/bf16 rounding), never
// from quant-opt's output. Every data line is anchored with {{^}} so that a
// pattern can never match the "sizes = [...]" header of a print.

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

// Print helpers for the 8-element cases: signed (extsi) and unsigned (extui)
// readings of the stored codes.
func.func @pi8(%t: tensor<8xi8>) {
  %e = arith.extsi %t : tensor<8xi8> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pu8(%t: tensor<8xi8>) {
  %e = arith.extui %t : tensor<8xi8> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pi4(%t: tensor<8xi4>) {
  %e = arith.extsi %t : tensor<8xi4> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pu4(%t: tensor<8xi4>) {
  %e = arith.extui %t : tensor<8xi4> to tensor<8xi32>
  %u = tensor.cast %e : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pf32(%t: tensor<8xf32>) {
  %u = tensor.cast %t : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @pf16(%t: tensor<8xf16>) {
  %e = arith.extf %t : tensor<8xf16> to tensor<8xf32>
  call @pf32(%e) : (tensor<8xf32>) -> ()
  return
}
func.func @pbf16(%t: tensor<8xbf16>) {
  %e = arith.extf %t : tensor<8xbf16> to tensor<8xf32>
  call @pf32(%e) : (tensor<8xf32>) -> ()
  return
}

// Runtime (non-constant) scale and zero point: the same op, but the
// parameters arrive as function arguments.
func.func @quant_i8_args(%x: tensor<8xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<8xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  return %q : tensor<8xi8>
}

func.func @main() {
  %s1 = arith.constant dense<1.0> : tensor<f32>

  //===--------------------------------------------------------------------===//
  // i8, per tensor
  //===--------------------------------------------------------------------===//

  // Ties to even, scale 1, no zero point:
  // -2.5 -> -2, -1.5 -> -2, -0.5 -> -0 = 0, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2,
  // 0.49999997 (just below 0.5) -> 0, -0.0 -> 0.
  %xa = arith.constant dense<[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -0.0]> : tensor<8xf32>
  %qa = quantx.quantize %xa as #quantx.scheme<i8> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qa) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[-2, -2, 0, 0, 2, 2, 0, 0]

  // Ties with zp = 3: rounding happens before the zero point is added
  // (round(2.5) + 3 = 5, not round(5.5) = 6).
  // -2.5 -> -2+3 = 1, -1.5 -> -2+3 = 1, -0.5 -> 0+3 = 3, 0.5 -> 3,
  // 1.5 -> 2+3 = 5, 2.5 -> 2+3 = 5, 3.5 -> 4+3 = 7, -3.5 -> -4+3 = -1.
  %xb = arith.constant dense<[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5]> : tensor<8xf32>
  %zb = arith.constant dense<3> : tensor<i8>
  %qb = quantx.quantize %xb as #quantx.scheme<i8> scale(%s1 : tensor<f32>) zero_point(%zb : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qb) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[1, 1, 3, 3, 5, 5, 7, -1]

  // scale 0.5, zp -1:
  // 1.25/0.5 = 2.5 -> 2 -> 1; 0.75 -> 1.5 -> 2 -> 1; -0.25 -> -0.5 -> 0 -> -1;
  // -0.75 -> -1.5 -> -2 -> -3; 100 -> 200-1 = 199 -> 127; -100 -> -201 -> -128;
  // 63.75 -> 127.5 -> 128 -> 127 -> 127; -63.25 -> -126.5 -> -126 -> -127.
  %xc = arith.constant dense<[1.25, 0.75, -0.25, -0.75, 100.0, -100.0, 63.75, -63.25]> : tensor<8xf32>
  %sc = arith.constant dense<0.5> : tensor<f32>
  %zc = arith.constant dense<-1> : tensor<i8>
  %qc = quantx.quantize %xc as #quantx.scheme<i8> scale(%sc : tensor<f32>) zero_point(%zc : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qc) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[1, 1, -1, -3, 127, -128, 127, -127]

  // True f32 division by scale = 0.1 (f32 0.100000001490116):
  //  f32(0.35)/0.1  = 3.5 exactly in f32 -> 4   (f64 quotient 3.4999999 would give 3)
  //  f32(0.45)/0.1  = 4.5 in f32         -> 4   (f64 quotient 4.5000001 would give 5)
  //  0.75/0.1       = 7.5 in f32         -> 8   (f64 quotient 7.4999999 would give 7)
  //  f32(1.55)/0.1  = 15.499999          -> 15  (x * f32(1/0.1) = 15.5 would give 16)
  //  3.2500002384/0.1 = 32.5 in f32      -> 32  (x * f32(1/0.1) = 32.500004 would give 33)
  //  -0.75 -> -7.5 -> -8; -12.7 -> -127; 12.75 -> 127.5 -> 128 -> 127.
  %xd = arith.constant dense<[0.35, 0.45, 0.75, 1.55, 3.2500002384185791, -0.75, -12.7, 12.75]> : tensor<8xf32>
  %sd = arith.constant dense<0.1> : tensor<f32>
  %qd = quantx.quantize %xd as #quantx.scheme<i8> scale(%sd : tensor<f32>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qd) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[4, 4, 8, 15, 32, -8, -127, 127]

  // The same inputs with scale and zero point passed as runtime values.
  %z0 = arith.constant dense<0> : tensor<i8>
  %qd2 = call @quant_i8_args(%xd, %sd, %z0) : (tensor<8xf32>, tensor<f32>, tensor<i8>) -> tensor<8xi8>
  call @pi8(%qd2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[4, 4, 8, 15, 32, -8, -127, 127]

  // Saturation at both ends: 127.4 -> 127; 127.5 -> 128 -> 127; 128 -> 127;
  // 1e10 -> 127; -128.5 -> -128 (even); -129 -> -128; +inf -> 127; -inf -> -128.
  %xe = arith.constant dense<[127.4, 127.5, 128.0, 1.0e10, -128.5, -129.0, 0x7F800000, 0xFF800000]> : tensor<8xf32>
  %qe = quantx.quantize %xe as #quantx.scheme<i8> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qe) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[127, 127, 127, 127, -128, -128, 127, -128]

  // NaN -> zero point (5), scale 2: NaN, -NaN -> 5; -0, 0 -> 5;
  // 1/2 = 0.5 -> 0 -> 5; -1/2 = -0.5 -> 0 -> 5; +inf -> 127; -inf -> -128.
  %xe2 = arith.constant dense<[0x7FC00000, 0xFFC00000, -0.0, 0.0, 1.0, -1.0, 0x7F800000, 0xFF800000]> : tensor<8xf32>
  %se2 = arith.constant dense<2.0> : tensor<f32>
  %ze2 = arith.constant dense<5> : tensor<i8>
  %qe2 = quantx.quantize %xe2 as #quantx.scheme<i8> scale(%se2 : tensor<f32>) zero_point(%ze2 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qe2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[5, 5, 5, 5, 5, 5, 127, -128]

  // i8 zero point at the storage limits.
  // zp = -128: 0 -> -128; -1 -> -129 -> -128; 255 -> 127; 254.5 -> 254 -> 126;
  // 255.5 -> 256 -> 128 -> 127; NaN -> -128; +inf -> 127; -inf -> -128.
  %xg = arith.constant dense<[0.0, -1.0, 255.0, 254.5, 255.5, 0x7FC00000, 0x7F800000, 0xFF800000]> : tensor<8xf32>
  %zg = arith.constant dense<-128> : tensor<i8>
  %qg = quantx.quantize %xg as #quantx.scheme<i8> scale(%s1 : tensor<f32>) zero_point(%zg : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qg) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[-128, -128, 127, 126, 127, -128, 127, -128]

  // zp = 127: 0 -> 127; 1 -> 128 -> 127; -255 -> -128; -255.5 -> -256 -> -129 -> -128;
  // -254.5 -> -254 -> -127; NaN -> 127; -inf -> -128; +inf -> 127.
  %xg2 = arith.constant dense<[0.0, 1.0, -255.0, -255.5, -254.5, 0x7FC00000, 0xFF800000, 0x7F800000]> : tensor<8xf32>
  %zg2 = arith.constant dense<127> : tensor<i8>
  %qg2 = quantx.quantize %xg2 as #quantx.scheme<i8> scale(%s1 : tensor<f32>) zero_point(%zg2 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qg2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[127, 127, -128, -128, -127, 127, -128, 127]

  //===--------------------------------------------------------------------===//
  // u8, per tensor (codes and zero points read unsigned)
  //===--------------------------------------------------------------------===//

  // zp = 0: -1 -> 0; -0.5 -> 0; 0.5 -> 0; 1.5 -> 2; 254.5 -> 254;
  // 255.5 -> 256 -> 255; NaN -> 0; +inf -> 255.
  %xf = arith.constant dense<[-1.0, -0.5, 0.5, 1.5, 254.5, 255.5, 0x7FC00000, 0x7F800000]> : tensor<8xf32>
  %zf = arith.constant dense<0> : tensor<i8>
  %qf = quantx.quantize %xf as #quantx.scheme<u8> scale(%s1 : tensor<f32>) zero_point(%zf : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qf) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[0, 0, 0, 2, 254, 255, 0, 255]

  // Without a zero point (zp = 0) the same inputs give the same codes.
  %qf0 = quantx.quantize %xf as #quantx.scheme<u8> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qf0) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[0, 0, 0, 2, 254, 255, 0, 255]

  // zp = 255: 0 -> 255; 1 -> 256 -> 255; -1 -> 254; -254.5 -> -254 -> 1;
  // -255.5 -> -256 -> -1 -> 0; NaN -> 255; -inf -> 0; +inf -> 255.
  %xf2 = arith.constant dense<[0.0, 1.0, -1.0, -254.5, -255.5, 0x7FC00000, 0xFF800000, 0x7F800000]> : tensor<8xf32>
  %zf2 = arith.constant dense<255> : tensor<i8>
  %qf2 = quantx.quantize %xf2 as #quantx.scheme<u8> scale(%s1 : tensor<f32>) zero_point(%zf2 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qf2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[255, 255, 254, 1, 0, 255, 0, 255]

  // zp = 128 (bit pattern 0x80, i.e. -128 if misread as signed):
  // 0 -> 128; -128 -> 0; 127 -> 255; 0.5 -> 128; 1.5 -> 130;
  // -128.5 -> -128 -> 0; 127.5 -> 128 -> 256 -> 255; NaN -> 128.
  %xf3 = arith.constant dense<[0.0, -128.0, 127.0, 0.5, 1.5, -128.5, 127.5, 0x7FC00000]> : tensor<8xf32>
  %zf3 = arith.constant dense<128> : tensor<i8>
  %qf3 = quantx.quantize %xf3 as #quantx.scheme<u8> scale(%s1 : tensor<f32>) zero_point(%zf3 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qf3) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[128, 0, 255, 128, 130, 0, 255, 128]

  //===--------------------------------------------------------------------===//
  // i4 / u4, per tensor
  //===--------------------------------------------------------------------===//

  // i4, zp 0: -8.5 -> -8; -9 -> -8; 7.5 -> 8 -> 7; 6.5 -> 6; -6.5 -> -6;
  // 0.5 -> 0; NaN -> 0; +inf -> 7.
  %xh = arith.constant dense<[-8.5, -9.0, 7.5, 6.5, -6.5, 0.5, 0x7FC00000, 0x7F800000]> : tensor<8xf32>
  %qh = quantx.quantize %xh as #quantx.scheme<i4> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi4>
  call @pi4(%qh) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[-8, -8, 7, 6, -6, 0, 0, 7]

  // i4, zp -8: 0 -> -8; -1 -> -9 -> -8; 15 -> 7; 14.5 -> 14 -> 6;
  // 15.5 -> 16 -> 8 -> 7; 13.5 -> 14 -> 6; NaN -> -8; -inf -> -8.
  %xh2 = arith.constant dense<[0.0, -1.0, 15.0, 14.5, 15.5, 13.5, 0x7FC00000, 0xFF800000]> : tensor<8xf32>
  %zh2 = arith.constant dense<-8> : tensor<i4>
  %qh2 = quantx.quantize %xh2 as #quantx.scheme<i4> scale(%s1 : tensor<f32>) zero_point(%zh2 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  call @pi4(%qh2) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[-8, -8, 7, 6, 7, 6, -8, -8]

  // i4, zp 7: 0 -> 7; 1 -> 8 -> 7; -15 -> -8; -14.5 -> -14 -> -7;
  // -15.5 -> -16 -> -9 -> -8; -13.5 -> -14 -> -7; NaN -> 7; +inf -> 7.
  %xh3 = arith.constant dense<[0.0, 1.0, -15.0, -14.5, -15.5, -13.5, 0x7FC00000, 0x7F800000]> : tensor<8xf32>
  %zh3 = arith.constant dense<7> : tensor<i4>
  %qh3 = quantx.quantize %xh3 as #quantx.scheme<i4> scale(%s1 : tensor<f32>) zero_point(%zh3 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  call @pi4(%qh3) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[7, 7, -8, -7, -8, -7, 7, 7]

  // u4, no zero point: -1 -> 0; 14.5 -> 14; 15.5 -> 16 -> 15; 2.5 -> 2;
  // 100 -> 15; NaN -> 0; -inf -> 0; +inf -> 15.
  %xi = arith.constant dense<[-1.0, 14.5, 15.5, 2.5, 100.0, 0x7FC00000, 0xFF800000, 0x7F800000]> : tensor<8xf32>
  %qi = quantx.quantize %xi as #quantx.scheme<u4> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi4>
  call @pu4(%qi) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[0, 14, 15, 2, 15, 0, 0, 15]

  // u4, zp 15: 0 -> 15; -15 -> 0; -15.5 -> -16 -> -1 -> 0; -14.5 -> -14 -> 1;
  // 1 -> 16 -> 15; NaN -> 15; -inf -> 0; -0.5 -> 0 -> 15.
  %xi2 = arith.constant dense<[0.0, -15.0, -15.5, -14.5, 1.0, 0x7FC00000, 0xFF800000, -0.5]> : tensor<8xf32>
  %zi2 = arith.constant dense<15> : tensor<i4>
  %qi2 = quantx.quantize %xi2 as #quantx.scheme<u4> scale(%s1 : tensor<f32>) zero_point(%zi2 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  call @pu4(%qi2) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[15, 0, 0, 1, 15, 15, 0, 15]

  // u4, zp 8 (bits 0b1000, -8 if misread as signed):
  // 0 -> 8; -8 -> 0; 7 -> 15; 7.5 -> 8 -> 16 -> 15; -8.5 -> -8 -> 0;
  // -9 -> -1 -> 0; NaN -> 8; 0.5 -> 0 -> 8.
  %xi3 = arith.constant dense<[0.0, -8.0, 7.0, 7.5, -8.5, -9.0, 0x7FC00000, 0.5]> : tensor<8xf32>
  %zi3 = arith.constant dense<8> : tensor<i4>
  %qi3 = quantx.quantize %xi3 as #quantx.scheme<u4> scale(%s1 : tensor<f32>) zero_point(%zi3 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  call @pu4(%qi3) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[8, 0, 15, 15, 0, 0, 8, 8]

  //===--------------------------------------------------------------------===//
  // Narrow range
  //===--------------------------------------------------------------------===//

  // i8 narrow [-127, 127]: -200 -> -127; -127.5 -> -128 -> -127; -126.5 -> -126;
  // -127 -> -127; 200 -> 127; -inf -> -127; NaN -> 0; 126.5 -> 126.
  %xj = arith.constant dense<[-200.0, -127.5, -126.5, -127.0, 200.0, 0xFF800000, 0x7FC00000, 126.5]> : tensor<8xf32>
  %qj = quantx.quantize %xj as #quantx.scheme<i8, narrow> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qj) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[-127, -127, -126, -127, 127, -127, 0, 126]

  // u8 narrow [1, 255], zp 1: 0 -> 1; -1 -> 0 -> 1; 254 -> 255; 300 -> 255;
  // 0.5 -> 0 -> 1; -inf -> 1; NaN -> 1; 253.5 -> 254 -> 255.
  %xj2 = arith.constant dense<[0.0, -1.0, 254.0, 300.0, 0.5, 0xFF800000, 0x7FC00000, 253.5]> : tensor<8xf32>
  %zj2 = arith.constant dense<1> : tensor<i8>
  %qj2 = quantx.quantize %xj2 as #quantx.scheme<u8, narrow> scale(%s1 : tensor<f32>) zero_point(%zj2 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qj2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[1, 1, 255, 255, 1, 1, 1, 255]

  // u8 narrow, zp 128: -128 -> 0 -> 1; -127 -> 1; -200 -> 1; 127 -> 255;
  // -126.5 -> -126 -> 2; -127.5 -> -128 -> 0 -> 1; NaN -> 128; -inf -> 1.
  %xj3 = arith.constant dense<[-128.0, -127.0, -200.0, 127.0, -126.5, -127.5, 0x7FC00000, 0xFF800000]> : tensor<8xf32>
  %zj3 = arith.constant dense<128> : tensor<i8>
  %qj3 = quantx.quantize %xj3 as #quantx.scheme<u8, narrow> scale(%s1 : tensor<f32>) zero_point(%zj3 : tensor<i8>) : tensor<8xf32> -> tensor<8xi8>
  call @pu8(%qj3) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[1, 1, 1, 255, 2, 1, 128, 1]

  // i4 narrow [-7, 7]: -7.5 -> -8 -> -7; -7 -> -7; -6.5 -> -6; 7.5 -> 7;
  // -inf -> -7; NaN -> 0; -8 -> -7; 6.5 -> 6.
  %xj4 = arith.constant dense<[-7.5, -7.0, -6.5, 7.5, 0xFF800000, 0x7FC00000, -8.0, 6.5]> : tensor<8xf32>
  %qj4 = quantx.quantize %xj4 as #quantx.scheme<i4, narrow> scale(%s1 : tensor<f32>) : tensor<8xf32> -> tensor<8xi4>
  call @pi4(%qj4) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[-7, -7, -6, 7, -7, 0, -7, 6]

  // u4 narrow [1, 15], zp 1: 0 -> 1; -1 -> 0 -> 1; 14 -> 15; 16 -> 15;
  // NaN -> 1; -inf -> 1; 13.5 -> 14 -> 15; -0.5 -> 0 -> 1.
  %xj5 = arith.constant dense<[0.0, -1.0, 14.0, 16.0, 0x7FC00000, 0xFF800000, 13.5, -0.5]> : tensor<8xf32>
  %zj5 = arith.constant dense<1> : tensor<i4>
  %qj5 = quantx.quantize %xj5 as #quantx.scheme<u4, narrow> scale(%s1 : tensor<f32>) zero_point(%zj5 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  call @pu4(%qj5) : (tensor<8xi4>) -> ()
  // CHECK: {{^}}[1, 1, 15, 15, 1, 1, 15, 1]

  //===--------------------------------------------------------------------===//
  // Per channel
  //===--------------------------------------------------------------------===//

  // i8, axis 0 on 3x4: row scales [1, 0.5, 2], row zero points [0, 10, -5].
  // row 0: 0.5 -> 0; 1.5 -> 2; -2.5 -> -2; 100 -> 100.
  // row 1: 0.25/0.5 = 0.5 -> 0 -> 10; 0.75 -> 1.5 -> 2 -> 12;
  //        -1.25 -> -2.5 -> -2 -> 8; 100 -> 200 -> 210 -> 127.
  // row 2: 1/2 = 0.5 -> 0 -> -5; 3 -> 1.5 -> 2 -> -3; -5 -> -2.5 -> -2 -> -7;
  //        -300 -> -150 -> -155 -> -128.
  %xk = arith.constant dense<[[0.5, 1.5, -2.5, 100.0], [0.25, 0.75, -1.25, 100.0], [1.0, 3.0, -5.0, -300.0]]> : tensor<3x4xf32>
  %sk = arith.constant dense<[1.0, 0.5, 2.0]> : tensor<3xf32>
  %zk = arith.constant dense<[0, 10, -5]> : tensor<3xi8>
  %qk = quantx.quantize %xk as #quantx.scheme<i8, axis = 0> scale(%sk : tensor<3xf32>) zero_point(%zk : tensor<3xi8>) : tensor<3x4xf32> -> tensor<3x4xi8>
  %ek = arith.extsi %qk : tensor<3x4xi8> to tensor<3x4xi32>
  %uk = tensor.cast %ek : tensor<3x4xi32> to tensor<*xi32>
  call @printMemrefI32(%uk) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}0, 2, -2, 100],
  // CHECK-NEXT: [10, 12, 8, 127],
  // CHECK-NEXT: [-5, -3, -7, -128]]

  // u8, axis 1 on 3x3: column scales [1, 0.25, 4], column zero points [0, 128, 255].
  // col 0 (s 1, zp 0):     2.5 -> 2;   -3 -> 0;   300 -> 255.
  // col 1 (s .25, zp 128): 0.125 -> 0.5 -> 0 -> 128; -31.875 -> -127.5 -> -128 -> 0;
  //                        31.875 -> 127.5 -> 128 -> 256 -> 255.
  // col 2 (s 4, zp 255):   -2 -> -0.5 -> 0 -> 255; 6 -> 1.5 -> 2 -> 257 -> 255;
  //                        -10 -> -2.5 -> -2 -> 253.
  %xl = arith.constant dense<[[2.5, 0.125, -2.0], [-3.0, -31.875, 6.0], [300.0, 31.875, -10.0]]> : tensor<3x3xf32>
  %sl = arith.constant dense<[1.0, 0.25, 4.0]> : tensor<3xf32>
  %zl = arith.constant dense<[0, 128, 255]> : tensor<3xi8>
  %ql = quantx.quantize %xl as #quantx.scheme<u8, axis = 1> scale(%sl : tensor<3xf32>) zero_point(%zl : tensor<3xi8>) : tensor<3x3xf32> -> tensor<3x3xi8>
  %el = arith.extui %ql : tensor<3x3xi8> to tensor<3x3xi32>
  %ul = tensor.cast %el : tensor<3x3xi32> to tensor<*xi32>
  call @printMemrefI32(%ul) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}2, 128, 255],
  // CHECK-NEXT: [0, 0, 255],
  // CHECK-NEXT: [255, 255, 253]]

  //===--------------------------------------------------------------------===//
  // Group-wise
  //===--------------------------------------------------------------------===//

  // i8, axis 1, group 4 on 2x8: scale/zp 2x2, element (i, j) uses [i][j / 4].
  // row 0, cols 0-3 (s 1, zp 0):   0.5 -> 0; 1.5 -> 2; 2.5 -> 2; -2.5 -> -2.
  // row 0, cols 4-7 (s .5, zp 1):  1 -> 1+1 = 2; 3 -> 3+1 = 4; 5 -> 5+1 = 6; -5 -> -4.
  // row 1, cols 0-3 (s .1, zp -2): 10/0.1 = 100 -> 98; -10 -> -102;
  //                                f32(0.3)/0.1 = 3 -> 1; 1000 -> 10000 -> 127.
  // row 1, cols 4-7 (s 10, zp 3):  10 -> 1+3 = 4; -10 -> 2; 0.3 -> 0.03 -> 0 -> 3;
  //                                1000 -> 100 -> 103.
  %xm = arith.constant dense<[[0.5, 1.5, 2.5, -2.5, 0.5, 1.5, 2.5, -2.5], [10.0, -10.0, 0.3, 1000.0, 10.0, -10.0, 0.3, 1000.0]]> : tensor<2x8xf32>
  %sm = arith.constant dense<[[1.0, 0.5], [0.1, 10.0]]> : tensor<2x2xf32>
  %zm = arith.constant dense<[[0, 1], [-2, 3]]> : tensor<2x2xi8>
  %qm = quantx.quantize %xm as #quantx.scheme<i8, axis = 1, group = 4> scale(%sm : tensor<2x2xf32>) zero_point(%zm : tensor<2x2xi8>) : tensor<2x8xf32> -> tensor<2x8xi8>
  %em = arith.extsi %qm : tensor<2x8xi8> to tensor<2x8xi32>
  %um = tensor.cast %em : tensor<2x8xi32> to tensor<*xi32>
  call @printMemrefI32(%um) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}0, 2, 2, -2, 2, 4, 6, -4],
  // CHECK-NEXT: [98, -102, 1, 127, 4, 2, 3, 103]]

  // i4, axis 1, group 2 on 1x8 (symmetric): scales [1, 0.5, 0.25, 2] per pair.
  // (1, -1)/1 -> 1, -1; /0.5 -> 2, -2; /0.25 -> 4, -4;
  // (7, -9)/2 = (3.5, -4.5) -> 4, -4.
  %xn = arith.constant dense<[[1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 7.0, -9.0]]> : tensor<1x8xf32>
  %sn = arith.constant dense<[[1.0, 0.5, 0.25, 2.0]]> : tensor<1x4xf32>
  %qn = quantx.quantize %xn as #quantx.scheme<i4, axis = 1, group = 2> scale(%sn : tensor<1x4xf32>) : tensor<1x8xf32> -> tensor<1x8xi4>
  %en = arith.extsi %qn : tensor<1x8xi4> to tensor<1x8xi32>
  %un = tensor.cast %en : tensor<1x8xi32> to tensor<*xi32>
  call @printMemrefI32(%un) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}1, -1, 2, -2, 4, -4, 4, -4]]

  // u4, axis 0, group 2 on 4x3: scale/zp 2x3, element (i, j) uses [i / 2][j].
  // rows 0-1: s [1, .5, 2], zp [0, 1, 2]
  //   (0,*): 1 -> 1; 2/.5 = 4 -> 5; 3/2 = 1.5 -> 2 -> 4
  //   (1,*): 1.5 -> 2; 2.5/.5 = 5 -> 6; 3.5/2 = 1.75 -> 2 -> 4
  // rows 2-3: s [.25, 1, .5], zp [3, 4, 5]
  //   (2,*): 1/.25 = 4 -> 7; 2 -> 6; 3/.5 = 6 -> 11
  //   (3,*): 1.5/.25 = 6 -> 9; 2.5 -> 2 -> 6; 3.5/.5 = 7 -> 12
  %xo = arith.constant dense<[[1.0, 2.0, 3.0], [1.5, 2.5, 3.5], [1.0, 2.0, 3.0], [1.5, 2.5, 3.5]]> : tensor<4x3xf32>
  %so = arith.constant dense<[[1.0, 0.5, 2.0], [0.25, 1.0, 0.5]]> : tensor<2x3xf32>
  %zo = arith.constant dense<[[0, 1, 2], [3, 4, 5]]> : tensor<2x3xi4>
  %qo = quantx.quantize %xo as #quantx.scheme<u4, axis = 0, group = 2> scale(%so : tensor<2x3xf32>) zero_point(%zo : tensor<2x3xi4>) : tensor<4x3xf32> -> tensor<4x3xi4>
  %eo = arith.extui %qo : tensor<4x3xi4> to tensor<4x3xi32>
  %uo = tensor.cast %eo : tensor<4x3xi32> to tensor<*xi32>
  call @printMemrefI32(%uo) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}1, 5, 4],
  // CHECK-NEXT: [2, 6, 4],
  // CHECK-NEXT: [7, 6, 11],
  // CHECK-NEXT: [9, 6, 12]]

  //===--------------------------------------------------------------------===//
  // f16 / bf16 inputs and scales
  //===--------------------------------------------------------------------===//

  // f16 input, f32 scale 0.25, i8: 0.5 -> 2; 1.5 -> 6; 2.5 -> 10; 65504 -> 127;
  // -65504 -> -128; f16(0.1) = 0.0999755859375 -> 0.39990234 -> 0;
  // 0.625 -> 2.5 -> 2; 0.875 -> 3.5 -> 4.
  %xp = arith.constant dense<[0.5, 1.5, 2.5, 65504.0, -65504.0, 0.1, 0.625, 0.875]> : tensor<8xf16>
  %sp = arith.constant dense<0.25> : tensor<f32>
  %qp = quantx.quantize %xp as #quantx.scheme<i8> scale(%sp : tensor<f32>) : tensor<8xf16> -> tensor<8xi8>
  call @pi8(%qp) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[2, 6, 10, 127, -128, 0, 2, 4]

  // f16 input, u8 zp 128, scale 0.25: 0.5 -> 2 -> 130; -0.5 -> -2 -> 126;
  // +inf -> 255; -inf -> 0; NaN -> 128; 0.0999755859375 -> 0 -> 128;
  // 30 -> 120 -> 248; -30 -> -120 -> 8.
  %xp2 = arith.constant dense<[0.5, -0.5, 0x7C00, 0xFC00, 0x7E00, 0.1, 30.0, -30.0]> : tensor<8xf16>
  %zp2 = arith.constant dense<128> : tensor<i8>
  %qp2 = quantx.quantize %xp2 as #quantx.scheme<u8> scale(%sp : tensor<f32>) zero_point(%zp2 : tensor<i8>) : tensor<8xf16> -> tensor<8xi8>
  call @pu8(%qp2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[130, 126, 255, 0, 128, 128, 248, 8]

  // f32 input, f16 scale: f16(0.1) = 0.0999755859375 (not f32 0.1):
  // 0.25/0.0999756 = 2.5006 -> 3 (with f32 0.1 it would be the tie 2.5 -> 2);
  // 0.35 -> 3.5009 -> 4; 1 -> 10.0024 -> 10; -0.25 -> -3; 12.7 -> 127.03 -> 127;
  // -12.75 -> -127.53 -> -128; 0.05 -> 0.50012 -> 1; 0.15 -> 1.50037 -> 2.
  %xq = arith.constant dense<[0.25, 0.35, 1.0, -0.25, 12.7, -12.75, 0.05, 0.15]> : tensor<8xf32>
  %sq = arith.constant dense<0.1> : tensor<f16>
  %qq = quantx.quantize %xq as #quantx.scheme<i8> scale(%sq : tensor<f16>) : tensor<8xf32> -> tensor<8xi8>
  call @pi8(%qq) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[3, 4, 10, -3, 127, -128, 1, 2]

  // f16 input and f16 scale 0.0999755859375: the inputs are the f16 roundings
  // 0.25, 0.35009765625, 1, -0.25, 12.703125, -12.75, 0.04998779296875,
  // 0.1500244140625 -> quotients 2.5006, 3.5018, 10.0024, -2.5006, 127.06,
  // -127.53, 0.49998, 1.5006 -> 3, 4, 10, -3, 127, -128, 0, 2.
  %xq2 = arith.constant dense<[0.25, 0.35, 1.0, -0.25, 12.7, -12.75, 0.05, 0.15]> : tensor<8xf16>
  %qq2 = quantx.quantize %xq2 as #quantx.scheme<i8> scale(%sq : tensor<f16>) : tensor<8xf16> -> tensor<8xi8>
  call @pi8(%qq2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[3, 4, 10, -3, 127, -128, 0, 2]

  // bf16 input, scale 1: 1.5 -> 2; 2.5 -> 2; bf16(0.35) = 0.349609375 -> 0;
  // bf16(3e38) -> 127; -inf -> -128; NaN -> 0; 200 -> 127; -0.75 -> -1.
  %xr = arith.constant dense<[1.5, 2.5, 0.35, 3.0e38, 0xFF80, 0x7FC0, 200.0, -0.75]> : tensor<8xbf16>
  %qr = quantx.quantize %xr as #quantx.scheme<i8> scale(%s1 : tensor<f32>) : tensor<8xbf16> -> tensor<8xi8>
  call @pi8(%qr) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[2, 2, 0, 127, -128, 0, 127, -1]

  // bf16 input, bf16 scale bf16(0.1) = 0.10009765625:
  // 1.5 -> 14.985 -> 15; 2.5 -> 24.976 -> 25; 0.349609375 -> 3.4927 -> 3;
  // 3e38 -> 127; -inf -> -128; NaN -> 0; 200 -> 127; -0.75 -> -7.4927 -> -7.
  %sr = arith.constant dense<0.1> : tensor<bf16>
  %qr2 = quantx.quantize %xr as #quantx.scheme<i8> scale(%sr : tensor<bf16>) : tensor<8xbf16> -> tensor<8xi8>
  call @pi8(%qr2) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[15, 25, 3, 127, -128, 0, 127, -7]

  //===--------------------------------------------------------------------===//
  // Dequantize
  //===--------------------------------------------------------------------===//

  // i8 -> f32, scale 0.1 (f32), zp -3: (q + 3) * 0.1 in f32.
  // -128 -> -125 * 0.1 = -12.5; -1 -> 0.2; 0 -> 0.3; 127 -> 13; 5 -> 0.8;
  // -5 -> -0.2; 100 -> 10.3; -100 -> -9.7.
  %dq1 = arith.constant dense<[-128, -1, 0, 127, 5, -5, 100, -100]> : tensor<8xi8>
  %ds1 = arith.constant dense<0.1> : tensor<f32>
  %dz1 = arith.constant dense<-3> : tensor<i8>
  %d1 = quantx.dequantize %dq1 as #quantx.scheme<i8> scale(%ds1 : tensor<f32>) zero_point(%dz1 : tensor<i8>) : tensor<8xi8> -> tensor<8xf32>
  call @pf32(%d1) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[-12.5, 0.2, 0.3, 13, 0.8, -0.2, 10.3, -9.7]

  // Exact i32 subtraction (does not wrap in 8 bits), scale 1:
  // zp -128: 127 -> 255; -128 -> 0; 0 -> 128; -1 -> 127;
  // zp 127: 127 -> 0; -128 -> -255; 0 -> -127; -1 -> -128.
  %dq2 = arith.constant dense<[127, -128, 0, -1, 127, -128, 0, -1]> : tensor<8xi8>
  %dq2a = tensor.extract_slice %dq2[0] [4] [1] : tensor<8xi8> to tensor<4xi8>
  %dz2a = arith.constant dense<-128> : tensor<i8>
  %dz2b = arith.constant dense<127> : tensor<i8>
  %d2a = quantx.dequantize %dq2a as #quantx.scheme<i8> scale(%s1 : tensor<f32>) zero_point(%dz2a : tensor<i8>) : tensor<4xi8> -> tensor<4xf32>
  %d2b = quantx.dequantize %dq2a as #quantx.scheme<i8> scale(%s1 : tensor<f32>) zero_point(%dz2b : tensor<i8>) : tensor<4xi8> -> tensor<4xf32>
  %d2 = tensor.concat dim(0) %d2a, %d2b : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  call @pf32(%d2) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[255, 0, 128, 127, 0, -255, -127, -128]

  // u8 -> f32, zp 128, scale 0.5: codes 255, 128, 0, 1, 127, 129, 254, 200
  // -> (127, 0, -128, -127, -1, 1, 126, 72) * 0.5.
  %dq3 = arith.constant dense<[255, 128, 0, 1, 127, 129, 254, 200]> : tensor<8xi8>
  %ds3 = arith.constant dense<0.5> : tensor<f32>
  %dz3 = arith.constant dense<128> : tensor<i8>
  %d3 = quantx.dequantize %dq3 as #quantx.scheme<u8> scale(%ds3 : tensor<f32>) zero_point(%dz3 : tensor<i8>) : tensor<8xi8> -> tensor<8xf32>
  call @pf32(%d3) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[63.5, 0, -64, -63.5, -0.5, 0.5, 63, 36]

  // i8 -> f16, scale 0.1 (f32): the f32 product is rounded to f16.
  // 3 * 0.1 = 0.3 (f32) -> f16 0.300048828 (1229 * 2^-12); -3 -> -0.300049;
  // 1 -> f16(0.1) = 0.0999756; 127 -> 12.7 -> 12.703125; -128 -> -12.8 -> -12.796875;
  // 10 -> 1; 7 -> 0.7 -> 0.700195; 0 -> 0.
  %dq4 = arith.constant dense<[3, -3, 1, 127, -128, 10, 7, 0]> : tensor<8xi8>
  %d4 = quantx.dequantize %dq4 as #quantx.scheme<i8> scale(%ds1 : tensor<f32>) : tensor<8xi8> -> tensor<8xf16>
  call @pf16(%d4) : (tensor<8xf16>) -> ()
  // CHECK: {{^}}[0.300049, -0.300049, 0.0999756, 12.7031, -12.7969, 1, 0.700195, 0]

  // i8 -> f16 overflow, scale 4095: 16 * 4095 = 65520 is the f16 overflow
  // threshold (tie between 65504 and 65536, even -> 65536) -> inf;
  // 15 * 4095 = 61425 -> 61440 (spacing 32); -16 -> -inf; 0 -> 0;
  // -15 -> -61440; 1 -> 4095 -> 4096 (tie, even); 2 -> 8190 -> 8192; -1 -> -4096.
  %dq5 = arith.constant dense<[16, 15, -16, 0, -15, 1, 2, -1]> : tensor<8xi8>
  %ds5 = arith.constant dense<4095.0> : tensor<f32>
  %d5 = quantx.dequantize %dq5 as #quantx.scheme<i8> scale(%ds5 : tensor<f32>) : tensor<8xi8> -> tensor<8xf16>
  call @pf16(%d5) : (tensor<8xf16>) -> ()
  // CHECK: {{^}}[inf, 61440, -inf, 0, -61440, 4096, 8192, -4096]

  // Same codes with scale 4094: 16 * 4094 = 65504 = f16 max (finite);
  // 61410 -> 61408; 4094; 8188.
  %ds5b = arith.constant dense<4094.0> : tensor<f32>
  %d5b = quantx.dequantize %dq5 as #quantx.scheme<i8> scale(%ds5b : tensor<f32>) : tensor<8xi8> -> tensor<8xf16>
  call @pf16(%d5b) : (tensor<8xf16>) -> ()
  // CHECK: {{^}}[65504, 61408, -65504, 0, -61408, 4094, 8188, -4094]

  // i8 -> bf16, scale f32(1/3) = 0.3333333433: 3 -> 1.0000000298 -> f32 1 -> 1;
  // 100 -> 33.333 -> bf16 33.25; -100 -> -33.25; 1 -> 0.333984375;
  // 127 -> 42.333 -> 42.25; -128 -> -42.667 -> -42.75; 6 -> 2; 9 -> 3.
  %dq6 = arith.constant dense<[3, 100, -100, 1, 127, -128, 6, 9]> : tensor<8xi8>
  %ds6 = arith.constant dense<0.333333343> : tensor<f32>
  %d6 = quantx.dequantize %dq6 as #quantx.scheme<i8> scale(%ds6 : tensor<f32>) : tensor<8xi8> -> tensor<8xbf16>
  call @pbf16(%d6) : (tensor<8xbf16>) -> ()
  // CHECK: {{^}}[1, 33.25, -33.25, 0.333984, 42.25, -42.75, 2, 3]

  // Same with an f32 result: 1, 33.3333, -33.3333, 0.333333, 42.3333, -42.6667, 2, 3.
  %d6b = quantx.dequantize %dq6 as #quantx.scheme<i8> scale(%ds6 : tensor<f32>) : tensor<8xi8> -> tensor<8xf32>
  call @pf32(%d6b) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[1, 33.3333, -33.3333, 0.333333, 42.3333, -42.6667, 2, 3]

  // i4 -> f32, zp 7, scale 0.5: (q - 7) * 0.5 for q = -8, 7, 0, -1, 1, 6, -7, 3.
  %dq7 = arith.constant dense<[-8, 7, 0, -1, 1, 6, -7, 3]> : tensor<8xi4>
  %dz7 = arith.constant dense<7> : tensor<i4>
  %d7 = quantx.dequantize %dq7 as #quantx.scheme<i4> scale(%ds3 : tensor<f32>) zero_point(%dz7 : tensor<i4>) : tensor<8xi4> -> tensor<8xf32>
  call @pf32(%d7) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[-7.5, 0, -3.5, -4, -3, -0.5, -7, -2]

  // u4 -> f32, zp 8, scale 2: (q - 8) * 2 for q = 15, 8, 0, 1, 7, 9, 14, 3
  // (15 and 8 are the bit patterns -1 and -8 if misread as signed).
  %dq8 = arith.constant dense<[15, 8, 0, 1, 7, 9, 14, 3]> : tensor<8xi4>
  %ds8 = arith.constant dense<2.0> : tensor<f32>
  %dz8 = arith.constant dense<8> : tensor<i4>
  %d8 = quantx.dequantize %dq8 as #quantx.scheme<u4> scale(%ds8 : tensor<f32>) zero_point(%dz8 : tensor<i4>) : tensor<8xi4> -> tensor<8xf32>
  call @pf32(%d8) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[14, 0, -16, -14, -2, 2, 12, -10]

  // Per-channel dequantize, u8 axis 1 on 2x3: scales [1, 0.25, 4],
  // zero points [0, 128, 255].
  // row 0: codes 2, 128, 255 -> 2, 0, 0;  row 1: 255, 0, 253 -> 255, -32, -8.
  %dq9 = arith.constant dense<[[2, 128, 255], [255, 0, 253]]> : tensor<2x3xi8>
  %d9 = quantx.dequantize %dq9 as #quantx.scheme<u8, axis = 1> scale(%sl : tensor<3xf32>) zero_point(%zl : tensor<3xi8>) : tensor<2x3xi8> -> tensor<2x3xf32>
  %u9 = tensor.cast %d9 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u9) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}2, 0, 0],
  // CHECK-NEXT: [255, -32, -8]]

  // Group-wise dequantize, i8 axis 1 group 4 on 2x8 with the scales/zero
  // points of the group quantize above:
  // row 0: (0, 2, 2, -2) * 1; (2-1, 4-1, 6-1, -4-1) * 0.5 = 0.5, 1.5, 2.5, -2.5
  // row 1: (98+2, -102+2, 1+2, 127+2) * 0.1 = 10, -10, 0.3, 12.9;
  //        (4-3, 2-3, 3-3, 103-3) * 10 = 10, -10, 0, 1000
  %dq10 = arith.constant dense<[[0, 2, 2, -2, 2, 4, 6, -4], [98, -102, 1, 127, 4, 2, 3, 103]]> : tensor<2x8xi8>
  %d10 = quantx.dequantize %dq10 as #quantx.scheme<i8, axis = 1, group = 4> scale(%sm : tensor<2x2xf32>) zero_point(%zm : tensor<2x2xi8>) : tensor<2x8xi8> -> tensor<2x8xf32>
  %u10 = tensor.cast %d10 : tensor<2x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u10) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}0, 2, 2, -2, 0.5, 1.5, 2.5, -2.5],
  // CHECK-NEXT: [10, -10, 0.3, 12.9, 10, -10, 0, 1000]]

  //===--------------------------------------------------------------------===//
  // fake_quant
  //===--------------------------------------------------------------------===//

  // i8, scale 0.5, zp 2 (f32):
  // 0.3 -> 0.6 -> 1 -> 3 -> (3-2)*0.5 = 0.5; 100 -> 202 -> 127 -> 62.5;
  // -70 -> -138 -> -128 -> -65; NaN -> 2 -> 0; +inf -> 127 -> 62.5;
  // 0.25 -> 0.5 -> 0 -> 2 -> 0; -inf -> -128 -> -65; 0.75 -> 1.5 -> 2 -> 4 -> 1.
  %xs = arith.constant dense<[0.3, 100.0, -70.0, 0x7FC00000, 0x7F800000, 0.25, 0xFF800000, 0.75]> : tensor<8xf32>
  %zs = arith.constant dense<2> : tensor<i8>
  %fs = quantx.fake_quant %xs as #quantx.scheme<i8> scale(%sc : tensor<f32>) zero_point(%zs : tensor<i8>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fs) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[0.5, 62.5, -65, 0, 62.5, 0, -65, 1]

  // u8, scale 0.1, zp 10 (f32): codes 10, 10 (0.5 -> 0), 12 (f32(0.15)/0.1 = 1.5 -> 2),
  // 0, 0 (-20 -> clamp), 255, 255, 22 (1.23 -> 12.3 -> 12) -> (q - 10) * 0.1:
  // 0, 0, 0.2, -1, -1, 24.5, 24.5, 1.2.
  %xt = arith.constant dense<[0.0, 0.05, 0.15, -1.0, -2.0, 24.5, 30.0, 1.23]> : tensor<8xf32>
  %zt = arith.constant dense<10> : tensor<i8>
  %ft = quantx.fake_quant %xt as #quantx.scheme<u8> scale(%sd : tensor<f32>) zero_point(%zt : tensor<i8>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%ft) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[0, 0, 0.2, -1, -1, 24.5, 24.5, 1.2]

  // i8 narrow, scale 0.5: -64 -> -128 -> -127 -> -63.5; -63.75 -> -127.5 -> -128 -> -127;
  // -70 -> -63.5; 63.5 -> 127; 63.75 -> 127.5 -> 127; -0.25 -> -0.5 -> 0 -> 0;
  // 0.25 -> 0; 0.75 -> 1.5 -> 2 -> 1.
  %xw = arith.constant dense<[-64.0, -63.75, -70.0, 63.5, 63.75, -0.25, 0.25, 0.75]> : tensor<8xf32>
  %fw = quantx.fake_quant %xw as #quantx.scheme<i8, narrow> scale(%sc : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  call @pf32(%fw) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[-63.5, -63.5, -63.5, 63.5, 63.5, 0, 0, 1]

  // f16, u4, scale 0.25 (f32), zp 3: codes 3, 3 (0.5 -> 0), 5 (1.5 -> 2), 0 (-3),
  // 0 (-4 -> -1 -> clamp), 15 (12), 15 (20 -> clamp), 3 (NaN)
  // -> (q - 3) * 0.25 = 0, 0, 0.5, -0.75, -0.75, 3, 3, 0.
  %xu = arith.constant dense<[0.0, 0.125, 0.375, -0.75, -1.0, 3.0, 5.0, 0x7E00]> : tensor<8xf16>
  %zu = arith.constant dense<3> : tensor<i4>
  %fu = quantx.fake_quant %xu as #quantx.scheme<u4> scale(%sp : tensor<f32>) zero_point(%zu : tensor<i4>) : tensor<8xf16> -> tensor<8xf16>
  call @pf16(%fu) : (tensor<8xf16>) -> ()
  // CHECK: {{^}}[0, 0, 0.5, -0.75, -0.75, 3, 3, 0]

  // bf16, i4 per channel axis 0, scales [0.5, 0.3] (f32), results rounded to bf16.
  // row 0 (s .5): 0.25 -> 0.5 -> 0 -> 0; 0.75 -> 1.5 -> 2 -> 1; 5 -> 10 -> 7 -> 3.5;
  //               -5 -> -10 -> -8 -> -4.
  // row 1 (s .3): bf16(0.45) = 0.44921875 -> 1.497 -> 1 -> 0.3 -> bf16 0.30078125;
  //               -0.44921875 -> -0.300781; 1 -> 3.33 -> 3 -> 0.9 -> bf16 0.8984375;
  //               -3 -> -10 -> -8 -> -2.4 -> bf16 -2.40625.
  %xv = arith.constant dense<[[0.25, 0.75, 5.0, -5.0], [0.45, -0.45, 1.0, -3.0]]> : tensor<2x4xbf16>
  %sv = arith.constant dense<[0.5, 0.3]> : tensor<2xf32>
  %fv = quantx.fake_quant %xv as #quantx.scheme<i4, axis = 0> scale(%sv : tensor<2xf32>) : tensor<2x4xbf16> -> tensor<2x4xbf16>
  %fve = arith.extf %fv : tensor<2x4xbf16> to tensor<2x4xf32>
  %uv = tensor.cast %fve : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%uv) : (tensor<*xf32>) -> ()
  // CHECK: {{^\[\[}}0, 1, 3.5, -4],
  // CHECK-NEXT: [0.300781, -0.300781, 0.898438, -2.40625]]

  //===--------------------------------------------------------------------===//
  // Rank 3: group-wise on a middle axis, per channel on the last / middle axis
  //===--------------------------------------------------------------------===//

  // i8, axis 1, group 2 on 2x4x3: scale 2x2x3, element (a, b, c) uses [a][b / 2][c].
  // a = 0: rows b = 0, 1 use s [1, 2, 4]:     1, 2/2 = 1, 3/4 = 0.75 -> 1 | 4, 5/2 = 2.5 -> 2, 6/4 = 1.5 -> 2
  //        rows b = 2, 3 use s [.5, .25, 8]:  14, 32, 9/8 = 1.125 -> 1 | 20, 44, 12/8 = 1.5 -> 2
  // a = 1: rows b = 0, 1 use s [1, .5, 2]:    -1, -4, -1.5 -> -2 | -4, -10, -3
  //        rows b = 2, 3 use s [4, .125, 1]:  -1.75 -> -2, -64, -9 | -2.5 -> -2, -88, -12
  %x3 = arith.constant dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]], [[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0], [-7.0, -8.0, -9.0], [-10.0, -11.0, -12.0]]]> : tensor<2x4x3xf32>
  %s3g = arith.constant dense<[[[1.0, 2.0, 4.0], [0.5, 0.25, 8.0]], [[1.0, 0.5, 2.0], [4.0, 0.125, 1.0]]]> : tensor<2x2x3xf32>
  %q3g = quantx.quantize %x3 as #quantx.scheme<i8, axis = 1, group = 2> scale(%s3g : tensor<2x2x3xf32>) : tensor<2x4x3xf32> -> tensor<2x4x3xi8>
  %e3g = arith.extsi %q3g : tensor<2x4x3xi8> to tensor<2x4x3xi32>
  %u3g = tensor.cast %e3g : tensor<2x4x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3g) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[\[}}1, 1, 1],
  // CHECK-NEXT: [4, 2, 2],
  // CHECK-NEXT: [14, 32, 1],
  // CHECK-NEXT: [20, 44, 2]],
  // CHECK-NEXT: {{\[\[}}-1, -4, -2],
  // CHECK-NEXT: [-4, -10, -3],
  // CHECK-NEXT: [-2, -64, -9],
  // CHECK-NEXT: [-2, -88, -12]]]

  // i8, axis 2 on the same tensor: scales [1, .5, .25], zero points [0, -3, 5].
  // column 0: x;  column 1: 2x - 3;  column 2: 4x + 5.
  %s3c = arith.constant dense<[1.0, 0.5, 0.25]> : tensor<3xf32>
  %z3c = arith.constant dense<[0, -3, 5]> : tensor<3xi8>
  %q3c = quantx.quantize %x3 as #quantx.scheme<i8, axis = 2> scale(%s3c : tensor<3xf32>) zero_point(%z3c : tensor<3xi8>) : tensor<2x4x3xf32> -> tensor<2x4x3xi8>
  %e3c = arith.extsi %q3c : tensor<2x4x3xi8> to tensor<2x4x3xi32>
  %u3c = tensor.cast %e3c : tensor<2x4x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3c) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[\[}}1, 1, 17],
  // CHECK-NEXT: [4, 7, 29],
  // CHECK-NEXT: [7, 13, 41],
  // CHECK-NEXT: [10, 19, 53]],
  // CHECK-NEXT: {{\[\[}}-1, -7, -7],
  // CHECK-NEXT: [-4, -13, -19],
  // CHECK-NEXT: [-7, -19, -31],
  // CHECK-NEXT: [-10, -25, -43]]]

  // u8, axis 1 with f16 scales [0.1, 0.2, 0.3, 0.4] = [0.0999755859375,
  // 0.199951171875, 0.2998046875, 0.39990234375]:
  // b = 0: 1, 2, 3 / 0.09998 = 10.002, 20.005, 30.007 -> 10, 20, 30
  // b = 1: 4, 5, 6 / 0.19995 = 20.005, 25.006, 30.007 -> 20, 25, 30
  // b = 2: 7, 8, 9 / 0.29980 = 23.349, 26.684, 30.020 -> 23, 27, 30
  // b = 3: 10, 11, 12 / 0.39990 = 25.006, 27.507, 30.007 -> 25, 28, 30
  // a = 1 is all negative -> 0.
  %s3h = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf16>
  %q3h = quantx.quantize %x3 as #quantx.scheme<u8, axis = 1> scale(%s3h : tensor<4xf16>) : tensor<2x4x3xf32> -> tensor<2x4x3xi8>
  %e3h = arith.extui %q3h : tensor<2x4x3xi8> to tensor<2x4x3xi32>
  %u3h = tensor.cast %e3h : tensor<2x4x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3h) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[\[}}10, 20, 30],
  // CHECK-NEXT: [20, 25, 30],
  // CHECK-NEXT: [23, 27, 30],
  // CHECK-NEXT: [25, 28, 30]],
  // CHECK-NEXT: {{\[\[}}0, 0, 0],
  // CHECK-NEXT: [0, 0, 0],
  // CHECK-NEXT: [0, 0, 0],
  // CHECK-NEXT: [0, 0, 0]]]

  //===--------------------------------------------------------------------===//
  // More edge cases
  //===--------------------------------------------------------------------===//

  // Unsigned codes without a zero point are read unsigned:
  // u8 codes 255, 128, 200, 0 and u4 codes 15, 8, 7, 0 (scale 1).
  %ux8 = arith.constant dense<[255, 128, 200, 0]> : tensor<4xi8>
  %dux8 = quantx.dequantize %ux8 as #quantx.scheme<u8> scale(%s1 : tensor<f32>) : tensor<4xi8> -> tensor<4xf32>
  %ux4 = arith.constant dense<[15, 8, 7, 0]> : tensor<4xi4>
  %dux4 = quantx.dequantize %ux4 as #quantx.scheme<u4> scale(%s1 : tensor<f32>) : tensor<4xi4> -> tensor<4xf32>
  %dux = tensor.concat dim(0) %dux8, %dux4 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  call @pf32(%dux) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[255, 128, 200, 0, 15, 8, 7, 0]

  // fake_quant without a zero point, scale 1: u4: 9.5 -> 10 (even); 15.5 -> 16 -> 15;
  // -1 -> 0; 8 -> 8.  u8: 10, 16, 0, 8.
  %xfz = arith.constant dense<[9.5, 15.5, -1.0, 8.0]> : tensor<4xf32>
  %ffz4 = quantx.fake_quant %xfz as #quantx.scheme<u4> scale(%s1 : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  %ffz8 = quantx.fake_quant %xfz as #quantx.scheme<u8> scale(%s1 : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  %ffz = tensor.concat dim(0) %ffz4, %ffz8 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  call @pf32(%ffz) : (tensor<8xf32>) -> ()
  // CHECK: {{^}}[10, 15, 0, 8, 10, 16, 0, 8]

  // x / scale overflowing f32 (scale 1e-10): 3e38 -> +inf -> 127; -3e38 -> -128;
  // +-1e-30 -> +-1e-20 -> 0.  Subnormal scale f32(1e-40) = 9.99995e-41:
  // f32(1e-40) -> 1; f32(2.5e-40) -> 2.50001 -> 3; 1e-38 -> 100.0005 -> 100;
  // f32(-1.5e-40) -> -1.50001 -> -2.
  %xov = arith.constant dense<[3.0e38, -3.0e38, 1.0e-30, -1.0e-30]> : tensor<4xf32>
  %sov = arith.constant dense<1.0e-10> : tensor<f32>
  %qov = quantx.quantize %xov as #quantx.scheme<i8> scale(%sov : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  %xsub = arith.constant dense<[1.0e-40, 2.5e-40, 1.0e-38, -1.5e-40]> : tensor<4xf32>
  %ssub = arith.constant dense<1.0e-40> : tensor<f32>
  %qsub = quantx.quantize %xsub as #quantx.scheme<i8> scale(%ssub : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  %qovs = tensor.concat dim(0) %qov, %qsub : (tensor<4xi8>, tensor<4xi8>) -> tensor<8xi8>
  call @pi8(%qovs) : (tensor<8xi8>) -> ()
  // CHECK: {{^}}[127, -128, 0, 0, 1, 3, 100, -2]

  // Dequantize with an f16 scale f16(0.1) = 0.0999755859375, f16 result:
  // 3 * s = 0.2999267578125 -> f16 tie between 1228 and 1229 * 2^-12 -> even 1228 * 2^-12 = 0.299805;
  // -3 -> -0.299805; 1 -> 0.0999756; 127 -> 12.6969 -> 12.6953.
  %dqh = arith.constant dense<[3, -3, 1, 127]> : tensor<4xi8>
  %dsh = arith.constant dense<0.1> : tensor<f16>
  %ddh = quantx.dequantize %dqh as #quantx.scheme<i8> scale(%dsh : tensor<f16>) : tensor<4xi8> -> tensor<4xf16>
  %ddhe = arith.extf %ddh : tensor<4xf16> to tensor<4xf32>
  %uddh = tensor.cast %ddhe : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%uddh) : (tensor<*xf32>) -> ()
  // CHECK: {{^}}[0.299805, -0.299805, 0.0999756, 12.6953]

  // The product is rounded to f32 first, then to f16 (double rounding is part
  // of the spec): scale 0.200097665 (f32); the exact 5 * s = 1.000488326 lies just
  // above the f16 tie 1 + 2^-11 = 1.00048828125, but f32 rounds it onto the tie,
  // which then goes to even -> 1 (a single rounding would give 1.00098).
  // -5 -> -1; 1 -> 0.200073; 10 -> f32 2.0009765625 (tie) -> 2; 15 -> 3.0014651 -> 3.00195;
  // -15 -> -3.00195; 0 -> 0; 2 -> 0.400146.
  %dqr = arith.constant dense<[5, -5, 1, 10, 15, -15, 0, 2]> : tensor<8xi8>
  %dsr = arith.constant dense<0.200097665> : tensor<f32>
  %ddr = quantx.dequantize %dqr as #quantx.scheme<i8> scale(%dsr : tensor<f32>) : tensor<8xi8> -> tensor<8xf16>
  call @pf16(%ddr) : (tensor<8xf16>) -> ()
  // CHECK: {{^}}[1, -1, 0.200073, 2, 3.00195, -3.00195, 0, 0.400146]

  // The same for bf16: scale 0.200781256, 5 * s rounds in f32 to the bf16 tie
  // 1.00390625 -> even -> 1 (a single rounding would give 1.00781).
  // -5 -> -1; 1 -> 0.201172; 10 -> 2.0078125 (tie) -> 2; 15 -> 3.01171875 -> 3.01562;
  // -15 -> -3.01562; 0 -> 0; 2 -> 0.4015625 -> 0.402344.
  %dsb = arith.constant dense<0.200781256> : tensor<f32>
  %ddb = quantx.dequantize %dqr as #quantx.scheme<i8> scale(%dsb : tensor<f32>) : tensor<8xi8> -> tensor<8xbf16>
  call @pbf16(%ddb) : (tensor<8xbf16>) -> ()
  // CHECK: {{^}}[1, -1, 0.201172, 2, 3.01562, -3.01562, 0, 0.402344]

  return
}
