// RUN: quant-opt %s -split-input-file | FileCheck %s
// Round trip: print, parse again, print the same.
// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// Generic form parses back too.
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @schemes
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<i8> scale(%{{.*}} : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xi8>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<u8, axis = 0> scale(%{{.*}} : tensor<4xf32>) zero_point(%{{.*}} : tensor<4xi8>) : tensor<4x16xf32> -> tensor<4x16xi8>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<i4, axis = 1, group = 8> scale(%{{.*}} : tensor<4x2xbf16>) : tensor<4x16xf32> -> tensor<4x16xi4>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<u4, axis = 1, group = 4, narrow> scale(%{{.*}} : tensor<4x4xf16>) zero_point(%{{.*}} : tensor<4x4xi4>) : tensor<4x16xf16> -> tensor<4x16xi4>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<nf4, axis = 1, group = 16> scale(%{{.*}} : tensor<4x1xf32>) : tensor<4x16xf32> -> tensor<4x16xi4>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<f8E4M3FN> scale(%{{.*}} : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xf8E4M3FN>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<f8E5M2, axis = 0> scale(%{{.*}} : tensor<4xf32>) : tensor<4x16xf32> -> tensor<4x16xf8E5M2>
// CHECK: quantx.quantize %{{.*}} as #quantx.scheme<i8, narrow> scale(%{{.*}} : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xi8>
func.func @schemes(%x: tensor<4x16xf32>, %xh: tensor<4x16xf16>, %s: tensor<f32>,
                   %sc: tensor<4xf32>, %zc: tensor<4xi8>, %sg: tensor<4x2xbf16>,
                   %sg4: tensor<4x4xf16>, %zg4: tensor<4x4xi4>, %sn: tensor<4x1xf32>) {
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xi8>
  %1 = quantx.quantize %x as #quantx.scheme<u8, axis = 0> scale(%sc : tensor<4xf32>) zero_point(%zc : tensor<4xi8>) : tensor<4x16xf32> -> tensor<4x16xi8>
  %2 = quantx.quantize %x as #quantx.scheme<i4, axis = 1, group = 8> scale(%sg : tensor<4x2xbf16>) : tensor<4x16xf32> -> tensor<4x16xi4>
  %3 = quantx.quantize %xh as #quantx.scheme<u4, axis = 1, group = 4, narrow> scale(%sg4 : tensor<4x4xf16>) zero_point(%zg4 : tensor<4x4xi4>) : tensor<4x16xf16> -> tensor<4x16xi4>
  %4 = quantx.quantize %x as #quantx.scheme<nf4, axis = 1, group = 16> scale(%sn : tensor<4x1xf32>) : tensor<4x16xf32> -> tensor<4x16xi4>
  %5 = quantx.quantize %x as #quantx.scheme<f8E4M3FN> scale(%s : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xf8E4M3FN>
  %6 = quantx.quantize %x as #quantx.scheme<f8E5M2, axis = 0> scale(%sc : tensor<4xf32>) : tensor<4x16xf32> -> tensor<4x16xf8E5M2>
  %7 = quantx.quantize %x as #quantx.scheme<i8, narrow> scale(%s : tensor<f32>) : tensor<4x16xf32> -> tensor<4x16xi8>
  return
}

// -----

// CHECK-LABEL: func @dequantize_fake_quant_observe
// CHECK: quantx.dequantize %{{.*}} as #quantx.scheme<i4, axis = 1, group = 32> scale(%{{.*}} : tensor<?x2xf16>) : tensor<?x64xi4> -> tensor<?x64xf16>
// CHECK: quantx.fake_quant %{{.*}} as #quantx.scheme<i8> scale(%{{.*}} : tensor<f32>) : tensor<?x64xf16> -> tensor<?x64xf16>
// CHECK: quantx.observe "act0" %{{.*}} : tensor<?x64xf16>
// CHECK: quantx.observe "act1" %{{.*}} axis 1 : tensor<?x64xf16>
func.func @dequantize_fake_quant_observe(%q: tensor<?x64xi4>, %s: tensor<?x2xf16>, %st: tensor<f32>) -> tensor<?x64xf16> {
  %0 = quantx.dequantize %q as #quantx.scheme<i4, axis = 1, group = 32> scale(%s : tensor<?x2xf16>) : tensor<?x64xi4> -> tensor<?x64xf16>
  %1 = quantx.fake_quant %0 as #quantx.scheme<i8> scale(%st : tensor<f32>) : tensor<?x64xf16> -> tensor<?x64xf16>
  %2 = quantx.observe "act0" %1 : tensor<?x64xf16>
  %3 = quantx.observe "act1" %2 axis 1 : tensor<?x64xf16>
  return %3 : tensor<?x64xf16>
}

// -----

// CHECK-LABEL: func @packing
// CHECK: quantx.pack %{{.*}} : tensor<8x64xi4> -> tensor<8x32xi8>
// CHECK: quantx.unpack %{{.*}} : tensor<?x?xi8> -> tensor<?x?xi4>
func.func @packing(%q: tensor<8x64xi4>, %p: tensor<?x?xi8>) -> (tensor<8x32xi8>, tensor<?x?xi4>) {
  %0 = quantx.pack %q : tensor<8x64xi4> -> tensor<8x32xi8>
  %1 = quantx.unpack %p : tensor<?x?xi8> -> tensor<?x?xi4>
  return %0, %1 : tensor<8x32xi8>, tensor<?x?xi4>
}

// -----

// CHECK-LABEL: func @matmuls
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i4, axis = 1, group = 32> scale %{{.*}}) : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<u4, axis = 1, group = 32> scale %{{.*}} zero_point %{{.*}}) : (tensor<?x64xbf16>, tensor<8x32xi8>, tensor<8x2xbf16>, tensor<8x2xi4>) -> tensor<?x8xbf16>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<nf4, axis = 1, group = 64> scale %{{.*}}) : (tensor<1x64xf32>, tensor<8x32xi8>, tensor<8x1xf32>) -> tensor<1x8xf32>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8, axis = 0> scale %{{.*}}) input(#quantx.scheme<u8> scale %{{.*}} zero_point %{{.*}}) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xf32>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8, axis = 0> scale %{{.*}}) input(#quantx.scheme<i8, axis = 0> scale %{{.*}}) output(#quantx.scheme<u8> scale %{{.*}} zero_point %{{.*}}) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xi8>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<f8E4M3FN> scale %{{.*}}) input(#quantx.scheme<f8E4M3FN> scale %{{.*}}) : (tensor<4x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x8xbf16>
func.func @matmuls(%a16: tensor<1x64xf16>, %abf: tensor<?x64xbf16>, %a32: tensor<1x64xf32>,
                   %a8: tensor<4x64xi8>, %af8: tensor<4x64xf8E4M3FN>,
                   %w4: tensor<8x32xi8>, %w8: tensor<8x64xi8>, %wf8: tensor<8x64xf8E4M3FN>,
                   %s16: tensor<8x2xf16>, %sbf: tensor<8x2xbf16>, %z4: tensor<8x2xi4>,
                   %snf: tensor<8x1xf32>, %sc: tensor<8xf32>, %st: tensor<f32>,
                   %zt: tensor<i8>, %sr: tensor<4xf32>) {
  %0 = quantx.matmul %a16, %w4 weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s16) : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
  %1 = quantx.matmul %abf, %w4 weight(#quantx.scheme<u4, axis = 1, group = 32> scale %sbf zero_point %z4) : (tensor<?x64xbf16>, tensor<8x32xi8>, tensor<8x2xbf16>, tensor<8x2xi4>) -> tensor<?x8xbf16>
  %2 = quantx.matmul %a32, %w4 weight(#quantx.scheme<nf4, axis = 1, group = 64> scale %snf) : (tensor<1x64xf32>, tensor<8x32xi8>, tensor<8x1xf32>) -> tensor<1x8xf32>
  %3 = quantx.matmul %a8, %w8 weight(#quantx.scheme<i8, axis = 0> scale %sc) input(#quantx.scheme<u8> scale %st zero_point %zt) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xf32>
  %4 = quantx.matmul %a8, %w8 weight(#quantx.scheme<i8, axis = 0> scale %sc) input(#quantx.scheme<i8, axis = 0> scale %sr) output(#quantx.scheme<u8> scale %st zero_point %zt) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xi8>
  %5 = quantx.matmul %af8, %wf8 weight(#quantx.scheme<f8E4M3FN> scale %st) input(#quantx.scheme<f8E4M3FN> scale %st) : (tensor<4x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x8xbf16>
  return
}

// -----

// Bias operands and the raw i32 accumulator.
// CHECK-LABEL: func @matmul_bias_raw
//       CHECK:   quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8> zero_point %{{.*}}) input(#quantx.scheme<i8> zero_point %{{.*}}) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<i8>, tensor<i8>) -> tensor<4x8xi32>
//       CHECK:   quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8> scale %{{.*}}) input(#quantx.scheme<i8> scale %{{.*}}) bias(%{{.*}}) output(#quantx.scheme<i8> scale %{{.*}}) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<8xi32>) -> tensor<4x8xi8>
//       CHECK:   quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8> scale %{{.*}}) bias(%{{.*}}) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<f32>, tensor<8xf16>) -> tensor<1x8xf32>
func.func @matmul_bias_raw(%a8: tensor<4x64xi8>, %w8: tensor<8x64xi8>, %zt: tensor<i8>,
                           %st: tensor<f32>, %bi: tensor<8xi32>, %a32: tensor<1x64xf32>,
                           %bf: tensor<8xf16>) {
  %0 = quantx.matmul %a8, %w8 weight(#quantx.scheme<i8> zero_point %zt) input(#quantx.scheme<i8> zero_point %zt) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<i8>, tensor<i8>) -> tensor<4x8xi32>
  %1 = quantx.matmul %a8, %w8 weight(#quantx.scheme<i8> scale %st) input(#quantx.scheme<i8> scale %st) bias(%bi) output(#quantx.scheme<i8> scale %st) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<8xi32>) -> tensor<4x8xi8>
  %2 = quantx.matmul %a32, %w8 weight(#quantx.scheme<i8> scale %st) bias(%bf) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<f32>, tensor<8xf16>) -> tensor<1x8xf32>
  return
}

// -----

// Group-scaled integer matmuls: W4A8 with both scales per group of 32
// along K, and W8A8 with per-channel weights and per-group input scales.
// CHECK-LABEL: func @group_scaled_matmuls
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i4, axis = 1, group = 32> scale %{{.*}}) input(#quantx.scheme<i8, axis = 1, group = 32> scale %{{.*}}) : (tensor<?x64xi8>, tensor<8x32xi8>, tensor<8x2xf32>, tensor<?x2xf32>) -> tensor<?x8xf32>
// CHECK: quantx.matmul %{{.*}}, %{{.*}} weight(#quantx.scheme<i8, axis = 0> scale %{{.*}}) input(#quantx.scheme<i8, axis = 1, group = 32> scale %{{.*}}) bias(%{{.*}}) : (tensor<?x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<?x2xf32>, tensor<8xf32>) -> tensor<?x8xf32>
func.func @group_scaled_matmuls(%a: tensor<?x64xi8>, %w4: tensor<8x32xi8>, %w8: tensor<8x64xi8>,
                                %sg: tensor<8x2xf32>, %sc: tensor<8xf32>, %ag: tensor<?x2xf32>,
                                %b: tensor<8xf32>) {
  %0 = quantx.matmul %a, %w4 weight(#quantx.scheme<i4, axis = 1, group = 32> scale %sg) input(#quantx.scheme<i8, axis = 1, group = 32> scale %ag) : (tensor<?x64xi8>, tensor<8x32xi8>, tensor<8x2xf32>, tensor<?x2xf32>) -> tensor<?x8xf32>
  %1 = quantx.matmul %a, %w8 weight(#quantx.scheme<i8, axis = 0> scale %sc) input(#quantx.scheme<i8, axis = 1, group = 32> scale %ag) bias(%b) : (tensor<?x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<?x2xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return
}
