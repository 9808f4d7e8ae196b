// RUN: quant-opt %s -split-input-file --quantx-x86-intrinsics="table-lookups=false pair-products=false byte-dots=true" | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s -split-input-file --quantx-x86-intrinsics="table-lookups=false pair-products=false nibble-dots=true" | FileCheck %s --check-prefix=NIBBLE
// RUN: quant-opt %s -split-input-file --quantx-x86-intrinsics="table-lookups=false pair-products=false byte-dots=true byte-dot-lanes=16 nibble-dots=true" | FileCheck %s --check-prefix=WIDEONLY
// RUN: not quant-opt %s --quantx-x86-intrinsics="nibble-dot-lanes=4" 2>&1 | FileCheck %s --check-prefix=BAD

// Four-byte dot products in the kernels' plain form (buildX86ByteDot):
// acc + the four phases of zext(u) * sext(s), 8 i32 lanes. With byte-dots
// they become vpdpbusd; with nibble-dots only, those whose unsigned bytes
// are below 128 (a mask by 15, a shift right by 4) become vpmaddubsw (exact
// then: the i16 pair sums cannot saturate) and vpmaddwd against ones, and
// the others stay as they are; byte-dot-lanes=16 leaves 8-lane dots to
// the nibble form.
// VNNI-LABEL: func @dots
// VNNI-COUNT-3: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// NIBBLE-LABEL: func @dots
// NIBBLE: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%{{.*}}, %{{.*}}) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// NIBBLE: %[[Q:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[P]], %{{.*}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// NIBBLE: arith.addi %{{.*}}, %[[Q]] : vector<8xi32>
// NIBBLE: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// NIBBLE: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// NIBBLE-NOT: llvm.call_intrinsic
// NIBBLE: vector.shuffle
// WIDEONLY-LABEL: func @dots
// WIDEONLY-NOT: vpdpbusd
// WIDEONLY-COUNT-2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
func.func @dots(%acc: vector<8xi32>, %w: vector<32xi8>, %a: vector<32xi8>) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>) {
  %c15 = arith.constant dense<15> : vector<32xi8>
  %c4 = arith.constant dense<4> : vector<32xi8>
  %lo = arith.andi %w, %c15 : vector<32xi8>
  %hi = arith.shrui %w, %c4 : vector<32xi8>
  %u0 = arith.extui %lo : vector<32xi8> to vector<32xi32>
  %s0 = arith.extsi %a : vector<32xi8> to vector<32xi32>
  %p0 = arith.muli %u0, %s0 : vector<32xi32>
  %p0_0 = vector.shuffle %p0, %p0 [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %p0_1 = vector.shuffle %p0, %p0 [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %p0_2 = vector.shuffle %p0, %p0 [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %p0_3 = vector.shuffle %p0, %p0 [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %l0 = arith.addi %p0_0, %p0_1 : vector<8xi32>
  %h0 = arith.addi %p0_2, %p0_3 : vector<8xi32>
  %t0 = arith.addi %l0, %h0 : vector<8xi32>
  %r0 = arith.addi %acc, %t0 : vector<8xi32>
  %u1 = arith.extui %hi : vector<32xi8> to vector<32xi32>
  %s1 = arith.extsi %a : vector<32xi8> to vector<32xi32>
  %p1 = arith.muli %u1, %s1 : vector<32xi32>
  %p1_0 = vector.shuffle %p1, %p1 [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %p1_1 = vector.shuffle %p1, %p1 [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %p1_2 = vector.shuffle %p1, %p1 [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %p1_3 = vector.shuffle %p1, %p1 [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %l1 = arith.addi %p1_0, %p1_1 : vector<8xi32>
  %h1 = arith.addi %p1_2, %p1_3 : vector<8xi32>
  %t1 = arith.addi %l1, %h1 : vector<8xi32>
  %r1 = arith.addi %acc, %t1 : vector<8xi32>
  %u2 = arith.extui %w : vector<32xi8> to vector<32xi32>
  %s2 = arith.extsi %a : vector<32xi8> to vector<32xi32>
  %p2 = arith.muli %u2, %s2 : vector<32xi32>
  %p2_0 = vector.shuffle %p2, %p2 [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
  %p2_1 = vector.shuffle %p2, %p2 [1, 5, 9, 13, 17, 21, 25, 29] : vector<32xi32>, vector<32xi32>
  %p2_2 = vector.shuffle %p2, %p2 [2, 6, 10, 14, 18, 22, 26, 30] : vector<32xi32>, vector<32xi32>
  %p2_3 = vector.shuffle %p2, %p2 [3, 7, 11, 15, 19, 23, 27, 31] : vector<32xi32>, vector<32xi32>
  %l2 = arith.addi %p2_0, %p2_1 : vector<8xi32>
  %h2 = arith.addi %p2_2, %p2_3 : vector<8xi32>
  %t2 = arith.addi %l2, %h2 : vector<8xi32>
  %r2 = arith.addi %acc, %t2 : vector<8xi32>
  return %r0, %r1, %r2 : vector<8xi32>, vector<8xi32>, vector<8xi32>
}

// BAD: error: quantx-x86-intrinsics: nibble-dot-lanes must be 0 (8 and 16), 8 or 16, got 4
