// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization --quantx-form-quantized-matmul --canonicalize | FileCheck %s --check-prefix=FORM
// Forms left alone emit no diagnostic.
// RUN: quant-opt %s -split-input-file --quantx-raise-dequantization --quantx-form-quantized-matmul -verify-diagnostics -o /dev/null

// Unsigned nibbles two per byte along K, unpacked by the index's parity
// (shift by 4 * (k mod 2), mask 15) into i32 codes, then dequantized with
// groups of 32 and a u4 zero point and multiplied: the weight stays the
// i8 argument and feeds quantx.matmul unchanged (no repacking).
// CHECK-LABEL: func @parity_unsigned
//       CHECK:   %[[U:.*]] = quantx.unpack %arg0 : tensor<16x32xi8> -> tensor<16x64xi4>
//       CHECK:   quantx.dequantize %[[U]] as #quantx.scheme<u4, axis = 1, group = 32>
// FORM-LABEL: func @parity_unsigned
//   FORM-NOT:   quantx.unpack
//   FORM-NOT:   quantx.pack
//       FORM:   quantx.matmul %arg1, %arg0 weight(#quantx.scheme<u4, axis = 1, group = 32> scale %arg2 zero_point %{{.*}}) : (tensor<3x64xf32>, tensor<16x32xi8>, tensor<16x2xf32>, tensor<16x2xi4>) -> tensor<3x16xf32>
//   FORM-NOT:   linalg.generic
func.func @parity_unsigned(%b: tensor<16x32xi8>, %x: tensor<3x64xf32>, %s: tensor<16x2xf32>) -> tensor<3x16xf32> {
  %e = tensor.empty() : tensor<16x64xi32>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<16x32xi8>) outs(%e : tensor<16x64xi32>) {
  ^bb0(%byte: i8, %o: i32):
    %k = linalg.index 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %p = arith.remui %k, %c2 : index
    %pi = arith.index_cast %p : index to i32
    %sh = arith.muli %pi, %c4 : i32
    %w = arith.extui %byte : i8 to i32
    %v = arith.shrui %w, %sh : i32
    %n = arith.andi %v, %c15 : i32
    linalg.yield %n : i32
  } -> tensor<16x64xi32>
  %z = arith.constant dense<8.0> : tensor<16x2xf32>
  %ef = tensor.empty() : tensor<16x64xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n, k floordiv 32)>, affine_map<(n, k) -> (n, k floordiv 32)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%codes, %s, %z : tensor<16x64xi32>, tensor<16x2xf32>, tensor<16x2xf32>) outs(%ef : tensor<16x64xf32>) {
  ^bb0(%c: i32, %sc: f32, %zp: f32, %o: f32):
    %f = arith.uitofp %c : i32 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  } -> tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %eo = tensor.empty() : tensor<3x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%eo : tensor<3x16xf32>) -> tensor<3x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<3x64xf32>, tensor<16x64xf32>) outs(%init : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// Signed nibbles in i8: shift the wanted nibble to the top (shl by
// 4 - 4 * (k & 1)) and back with an arithmetic shift; no zero point.
// CHECK-LABEL: func @parity_signed_shifts
//       CHECK:   %[[U:.*]] = quantx.unpack %arg0 : tensor<8x4xi8> -> tensor<8x8xi4>
//       CHECK:   %[[D:.*]] = quantx.dequantize %[[U]] as #quantx.scheme<i4, axis = 0> scale(%arg1 : tensor<8xf16>) : tensor<8x8xi4> -> tensor<8x8xf16>
//       CHECK:   return %[[D]]
// FORM-LABEL: func @parity_signed_shifts
func.func @parity_signed_shifts(%b: tensor<8x4xi8>, %s: tensor<8xf16>) -> tensor<8x8xf16> {
  %e = tensor.empty() : tensor<8x8xi8>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8x4xi8>) outs(%e : tensor<8x8xi8>) {
  ^bb0(%byte: i8, %o: i8):
    %k = linalg.index 1 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : i8
    %p = arith.andi %k, %c1 : index
    %pi = arith.index_cast %p : index to i8
    %up = arith.muli %pi, %c4 : i8
    %sh = arith.subi %c4, %up : i8
    %hi = arith.shli %byte, %sh : i8
    %v = arith.shrsi %hi, %c4 : i8
    linalg.yield %v : i8
  } -> tensor<8x8xi8>
  %ef = tensor.empty() : tensor<8x8xf16>
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%codes, %s : tensor<8x8xi8>, tensor<8xf16>) outs(%ef : tensor<8x8xf16>) {
  ^bb0(%c: i8, %sc: f16, %o: f16):
    %f = arith.sitofp %c : i8 to f16
    %m = arith.mulf %f, %sc : f16
    linalg.yield %m : f16
  } -> tensor<8x8xf16>
  return %w : tensor<8x8xf16>
}

// -----

// A size-2 nibble dimension with a table of shift amounts, sign extension
// by (v xor 8) - 8: bytes [4, 3] -> codes [4, 3, 2].
// CHECK-LABEL: func @pairs_table
//       CHECK:   %[[X:.*]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2]] output_shape [4, 3, 1] : tensor<4x3xi8> into tensor<4x3x1xi8>
//       CHECK:   %[[U:.*]] = quantx.unpack %[[X]] : tensor<4x3x1xi8> -> tensor<4x3x2xi4>
//       CHECK:   linalg.generic {{.*}} ins(%[[U]] : tensor<4x3x2xi4>) outs(%{{.*}} : tensor<4x3x2xi32>)
//       CHECK:     arith.extsi %{{.*}} : i4 to i32
func.func @pairs_table(%b: tensor<4x3xi8>) -> tensor<4x3x2xi32> {
  %shifts = arith.constant dense<[0, 4]> : tensor<2xi32>
  %e = tensor.empty() : tensor<4x3x2xi32>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k, j) -> (n, k)>, affine_map<(n, k, j) -> (j)>, affine_map<(n, k, j) -> (n, k, j)>],
                           iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %shifts : tensor<4x3xi8>, tensor<2xi32>) outs(%e : tensor<4x3x2xi32>) {
  ^bb0(%byte: i8, %sh: i32, %o: i32):
    %c15 = arith.constant 15 : i32
    %c8 = arith.constant 8 : i32
    %w = arith.extui %byte : i8 to i32
    %v = arith.shrui %w, %sh : i32
    %n = arith.andi %v, %c15 : i32
    %x = arith.xori %n, %c8 : i32
    %r = arith.subi %x, %c8 : i32
    linalg.yield %r : i32
  } -> tensor<4x3x2xi32>
  return %codes : tensor<4x3x2xi32>
}

// -----

// High nibble first is not quantx's order: left alone.
// CHECK-LABEL: func @high_nibble_first
//   CHECK-NOT:   quantx.unpack
func.func @high_nibble_first(%b: tensor<8x4xi8>) -> tensor<8x8xi32> {
  %e = tensor.empty() : tensor<8x8xi32>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8x4xi8>) outs(%e : tensor<8x8xi32>) {
  ^bb0(%byte: i8, %o: i32):
    %k = linalg.index 1 : index
    %c2 = arith.constant 2 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %p = arith.remui %k, %c2 : index
    %q = arith.subi %c1, %p : index
    %pi = arith.index_cast %q : index to i32
    %sh = arith.muli %pi, %c4 : i32
    %w = arith.extui %byte : i8 to i32
    %v = arith.shrui %w, %sh : i32
    %n = arith.andi %v, %c15 : i32
    linalg.yield %n : i32
  } -> tensor<8x8xi32>
  return %codes : tensor<8x8xi32>
}

// -----

// An odd number of codes per row (7 from 4 bytes) is not two per byte.
// CHECK-LABEL: func @odd_row
//   CHECK-NOT:   quantx.unpack
func.func @odd_row(%b: tensor<8x4xi8>) -> tensor<8x7xi32> {
  %e = tensor.empty() : tensor<8x7xi32>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8x4xi8>) outs(%e : tensor<8x7xi32>) {
  ^bb0(%byte: i8, %o: i32):
    %k = linalg.index 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %p = arith.remui %k, %c2 : index
    %pi = arith.index_cast %p : index to i32
    %sh = arith.muli %pi, %c4 : i32
    %w = arith.extui %byte : i8 to i32
    %v = arith.shrui %w, %sh : i32
    %n = arith.andi %v, %c15 : i32
    linalg.yield %n : i32
  } -> tensor<8x7xi32>
  return %codes : tensor<8x7xi32>
}

// -----

// The index used beyond its parity (k itself) is not a nibble selector.
// CHECK-LABEL: func @index_not_parity
//   CHECK-NOT:   quantx.unpack
func.func @index_not_parity(%b: tensor<8x4xi8>) -> tensor<8x8xi32> {
  %e = tensor.empty() : tensor<8x8xi32>
  %codes = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k floordiv 2)>, affine_map<(n, k) -> (n, k)>],
                           iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8x4xi8>) outs(%e : tensor<8x8xi32>) {
  ^bb0(%byte: i8, %o: i32):
    %k = linalg.index 1 : index
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %pi = arith.index_cast %k : index to i32
    %sh = arith.muli %pi, %c4 : i32
    %w = arith.extui %byte : i8 to i32
    %v = arith.shrui %w, %sh : i32
    %n = arith.andi %v, %c15 : i32
    linalg.yield %n : i32
  } -> tensor<8x8xi32>
  return %codes : tensor<8x8xi32>
}
