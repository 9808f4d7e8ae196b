// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// quantx.pack / quantx.unpack: byte j holds element 2j in bits 0-3 and
// element 2j+1 in bits 4-7 (low nibble first); unpack is the inverse.
// Bytes are printed unsigned (extui), nibbles signed (extsi) or unsigned
// (extui) as noted. Expected values: byte = (e[2j] & 0xF) | (e[2j+1] & 0xF) << 4,
// computed by hand (never copied from quant-opt's output).
//
// The ops live in separate functions so that pack(unpack(x)) /
// unpack(pack(x)) are not folded away and really run.

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

func.func @pbytes(%t: tensor<?xi8>) {
  %e = arith.extui %t : tensor<?xi8> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pnib_s(%t: tensor<?xi4>) {
  %e = arith.extsi %t : tensor<?xi4> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
func.func @pnib_u(%t: tensor<?xi4>) {
  %e = arith.extui %t : tensor<?xi4> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @pack8(%q: tensor<8xi4>) -> tensor<4xi8> {
  %p = quantx.pack %q : tensor<8xi4> -> tensor<4xi8>
  return %p : tensor<4xi8>
}
func.func @unpack6(%p: tensor<6xi8>) -> tensor<12xi4> {
  %q = quantx.unpack %p : tensor<6xi8> -> tensor<12xi4>
  return %q : tensor<12xi4>
}
func.func @pack16(%q: tensor<16xi4>) -> tensor<8xi8> {
  %p = quantx.pack %q : tensor<16xi4> -> tensor<8xi8>
  return %p : tensor<8xi8>
}
func.func @unpack8(%p: tensor<8xi8>) -> tensor<16xi4> {
  %q = quantx.unpack %p : tensor<8xi8> -> tensor<16xi4>
  return %q : tensor<16xi4>
}
func.func @pack_2x4(%q: tensor<2x4xi4>) -> tensor<2x2xi8> {
  %p = quantx.pack %q : tensor<2x4xi4> -> tensor<2x2xi8>
  return %p : tensor<2x2xi8>
}
func.func @pack_dyn(%q: tensor<2x?xi4>) -> tensor<2x?xi8> {
  %p = quantx.pack %q : tensor<2x?xi4> -> tensor<2x?xi8>
  return %p : tensor<2x?xi8>
}
func.func @unpack_dyn(%p: tensor<2x?xi8>) -> tensor<2x?xi4> {
  %q = quantx.unpack %p : tensor<2x?xi8> -> tensor<2x?xi4>
  return %q : tensor<2x?xi4>
}
func.func @quant_u4_pack(%x: tensor<8xf32>, %s: tensor<f32>, %z: tensor<i4>) -> tensor<4xi8> {
  %q = quantx.quantize %x as #quantx.scheme<u4> scale(%s : tensor<f32>) zero_point(%z : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  %p = quantx.pack %q : tensor<8xi4> -> tensor<4xi8>
  return %p : tensor<4xi8>
}

func.func @main() {
  // ---- order: low nibble first ----------------------------------------------
  // (1, 2) -> 0x21 = 33; (3, 4) -> 0x43 = 67; (5, 6) -> 0x65 = 101;
  // (7, -8 = 0x8) -> 0x87 = 135.
  %a = arith.constant dense<[1, 2, 3, 4, 5, 6, 7, -8]> : tensor<8xi4>
  %pa = call @pack8(%a) : (tensor<8xi4>) -> tensor<4xi8>
  %pad = tensor.cast %pa : tensor<4xi8> to tensor<?xi8>
  call @pbytes(%pad) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[33, 67, 101, 135]

  // ---- negative nibbles (two's complement, -1 = 0xF) ---------------------------
  // (-1, 0) -> 0x0F = 15; (0, -1) -> 0xF0 = 240; (-1, -1) -> 0xFF = 255;
  // (-8, 7) -> 0x78 = 120.
  %b = arith.constant dense<[-1, 0, 0, -1, -1, -1, -8, 7]> : tensor<8xi4>
  %pb = call @pack8(%b) : (tensor<8xi4>) -> tensor<4xi8>
  %pbd = tensor.cast %pb : tensor<4xi8> to tensor<?xi8>
  call @pbytes(%pbd) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[15, 240, 255, 120]

  // ---- unpack ---------------------------------------------------------------------
  // 0x21 -> (1, 2); 0x87 -> (7, 8); 0xF0 -> (0, 15); 0x0F -> (15, 0);
  // 0xFF -> (15, 15); 0x00 -> (0, 0). Read signed, 8..15 are -8..-1.
  %c = arith.constant dense<[0x21, 0x87, 0xF0, 0x0F, 0xFF, 0x00]> : tensor<6xi8>
  %uc = call @unpack6(%c) : (tensor<6xi8>) -> tensor<12xi4>
  %ucd = tensor.cast %uc : tensor<12xi4> to tensor<?xi4>
  call @pnib_s(%ucd) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[1, 2, 7, -8, 0, -1, -1, 0, -1, -1, 0, 0]
  call @pnib_u(%ucd) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[1, 2, 7, 8, 0, 15, 15, 0, 15, 15, 0, 0]

  // ---- all 16 nibble values, and the round trips ----------------------------------
  // (0, 1) -> 0x10 = 16; (2, 3) -> 0x32 = 50; (4, 5) -> 0x54 = 84; (6, 7) -> 0x76 = 118;
  // (8, 9) -> 0x98 = 152; (10, 11) -> 0xBA = 186; (12, 13) -> 0xDC = 220; (14, 15) -> 0xFE = 254.
  %d = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi4>
  %pd = call @pack16(%d) : (tensor<16xi4>) -> tensor<8xi8>
  %pdd = tensor.cast %pd : tensor<8xi8> to tensor<?xi8>
  call @pbytes(%pdd) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[16, 50, 84, 118, 152, 186, 220, 254]
  // unpack(pack(d)) == d
  %ud = call @unpack8(%pd) : (tensor<8xi8>) -> tensor<16xi4>
  %udd = tensor.cast %ud : tensor<16xi4> to tensor<?xi4>
  call @pnib_u(%udd) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
  // pack(unpack(bytes)) == bytes, for 0x12 0x34 0xAB 0xCD 0xEF 0x90 0x00 0xFF
  // (the unpacked nibbles, signed: 2, 1, 4, 3, -5, -6, -3, -4, -1, -2, 0, -7, 0, 0, -1, -1).
  %e = arith.constant dense<[0x12, 0x34, 0xAB, 0xCD, 0xEF, 0x90, 0x00, 0xFF]> : tensor<8xi8>
  %ue = call @unpack8(%e) : (tensor<8xi8>) -> tensor<16xi4>
  %ued = tensor.cast %ue : tensor<16xi4> to tensor<?xi4>
  call @pnib_s(%ued) : (tensor<?xi4>) -> ()
  // CHECK: {{^}}[2, 1, 4, 3, -5, -6, -3, -4, -1, -2, 0, -7, 0, 0, -1, -1]
  %pe = call @pack16(%ue) : (tensor<16xi4>) -> tensor<8xi8>
  %ped = tensor.cast %pe : tensor<8xi8> to tensor<?xi8>
  call @pbytes(%ped) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[18, 52, 171, 205, 239, 144, 0, 255]

  // ---- pack(quantize(x)) with u4, scale 1, zp 3 ------------------------------------
  // codes: 0 -> 3; 1 -> 4; 2.5 -> 2 -> 5; 3.5 -> 4 -> 7; -4 -> -1 -> 0; 20 -> 15;
  // NaN -> 3; 7 -> 10.  bytes: (3, 4) -> 0x43 = 67; (5, 7) -> 0x75 = 117;
  // (0, 15) -> 0xF0 = 240; (3, 10) -> 0xA3 = 163.
  %x = arith.constant dense<[0.0, 1.0, 2.5, 3.5, -4.0, 20.0, 0x7FC00000, 7.0]> : tensor<8xf32>
  %s1 = arith.constant dense<1.0> : tensor<f32>
  %z3 = arith.constant dense<3> : tensor<i4>
  %px = call @quant_u4_pack(%x, %s1, %z3) : (tensor<8xf32>, tensor<f32>, tensor<i4>) -> tensor<4xi8>
  %pxd = tensor.cast %px : tensor<4xi8> to tensor<?xi8>
  call @pbytes(%pxd) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[67, 117, 240, 163]

  // The same, inline in @main (quantize and pack on constants).
  %qx2 = quantx.quantize %x as #quantx.scheme<u4> scale(%s1 : tensor<f32>) zero_point(%z3 : tensor<i4>) : tensor<8xf32> -> tensor<8xi4>
  %px2 = quantx.pack %qx2 : tensor<8xi4> -> tensor<4xi8>
  %px2d = tensor.cast %px2 : tensor<4xi8> to tensor<?xi8>
  call @pbytes(%px2d) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[67, 117, 240, 163]

  // ---- pack(quantize(x)) with nf4, scale 1 ------------------------------------------
  // codes: -1 -> 0; 1 -> 15; 0 -> 7; 0.5 -> 12; -0.25 -> 4; 0.3 -> 11 (> midpoint 0.292)
  // bytes: (0, 15) -> 0xF0 = 240; (7, 12) -> 0xC7 = 199; (4, 11) -> 0xB4 = 180.
  %y = arith.constant dense<[-1.0, 1.0, 0.0, 0.5, -0.25, 0.3]> : tensor<6xf32>
  %qy = quantx.quantize %y as #quantx.scheme<nf4> scale(%s1 : tensor<f32>) : tensor<6xf32> -> tensor<6xi4>
  %py = quantx.pack %qy : tensor<6xi4> -> tensor<3xi8>
  %pyd = tensor.cast %py : tensor<3xi8> to tensor<?xi8>
  call @pbytes(%pyd) : (tensor<?xi8>) -> ()
  // CHECK: {{^}}[240, 199, 180]

  // ---- rank 2: pack along the innermost dimension -------------------------------------
  // row 0: (1, -2 = 0xE) -> 0xE1 = 225; (3, -4 = 0xC) -> 0xC3 = 195
  // row 1: (5, -6 = 0xA) -> 0xA5 = 165; (7, -8 = 0x8) -> 0x87 = 135
  %r = arith.constant dense<[[1, -2, 3, -4], [5, -6, 7, -8]]> : tensor<2x4xi4>
  %pr = call @pack_2x4(%r) : (tensor<2x4xi4>) -> tensor<2x2xi8>
  %er = arith.extui %pr : tensor<2x2xi8> to tensor<2x2xi32>
  %ur = tensor.cast %er : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%ur) : (tensor<*xi32>) -> ()
  // CHECK: {{^\[\[}}225, 195],
  // CHECK-NEXT: [165, 135]]

  // ---- dynamic innermost dimension: 2x? (2x6) -> 2x? (2x3) ----------------------------
  // row 0: (0, 1) -> 0x10 = 16; (2, 3) -> 0x32 = 50; (4, 5) -> 0x54 = 84
  // row 1: (-6, -5) = (0xA, 0xB) -> 0xBA = 186; (-4, -3) -> 0xDC = 220; (-2, -1) -> 0xFE = 254
  %g = arith.constant dense<[[0, 1, 2, 3, 4, 5], [-6, -5, -4, -3, -2, -1]]> : tensor<2x6xi4>
  %gd = tensor.cast %g : tensor<2x6xi4> to tensor<2x?xi4>
  %pg = call @pack_dyn(%gd) : (tensor<2x?xi4>) -> tensor<2x?xi8>
  %eg = arith.extui %pg : tensor<2x?xi8> to tensor<2x?xi32>
  %ug = tensor.cast %eg : tensor<2x?xi32> to tensor<*xi32>
  call @printMemrefI32(%ug) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{^\[\[}}16, 50, 84],
  // CHECK-NEXT: [186, 220, 254]]

  // Unpack of the dynamic result gives the 2x6 nibbles back (signed).
  %ug2 = call @unpack_dyn(%pg) : (tensor<2x?xi8>) -> tensor<2x?xi4>
  %eg2 = arith.extsi %ug2 : tensor<2x?xi4> to tensor<2x?xi32>
  %ug2u = tensor.cast %eg2 : tensor<2x?xi32> to tensor<*xi32>
  call @printMemrefI32(%ug2u) : (tensor<*xi32>) -> ()
  // CHECK: sizes = [2, 6]
  // CHECK-NEXT: {{^\[\[}}0, 1, 2, 3, 4, 5],
  // CHECK-NEXT: [-6, -5, -4, -3, -2, -1]]

  return
}
