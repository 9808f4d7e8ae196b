// RUN: quant-opt %s -split-input-file --quantx-hoist-invariant-loads | FileCheck %s
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-hoist-invariant-loads -o /dev/null

// An embedding lookup as linalg-to-loops writes it: the token is loaded in
// every iteration of the loop over the row. The loop stores only into a
// fresh buffer, so the token (and the row offset computed from it) moves
// before the loop; the table load, which depends on the loop, stays.
// CHECK-LABEL: func.func @embedding
//       CHECK:   %[[OUT:.*]] = memref.alloc() : memref<4x256xf32>
//       CHECK:   scf.for %[[T:.*]] =
//       CHECK:     %[[TOK:.*]] = memref.load %arg0[%[[T]]] : memref<4xi64>
//       CHECK:     %[[ROW:.*]] = arith.index_cast %[[TOK]] : i64 to index
//       CHECK:     scf.for %[[C:.*]] =
//   CHECK-NOT:       memref.load %arg0
//       CHECK:       %[[V:.*]] = memref.load %arg1[%[[ROW]], %[[C]]] : memref<96x256xf32>
//       CHECK:       memref.store %[[V]], %[[OUT]][%[[T]], %[[C]]]
func.func @embedding(%tokens: memref<4xi64>, %table: memref<96x256xf32>) -> memref<4x256xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %out = memref.alloc() : memref<4x256xf32>
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c256 step %c1 {
      %tok = memref.load %tokens[%t] : memref<4xi64>
      %row = arith.index_cast %tok : i64 to index
      %v = memref.load %table[%row, %c] : memref<96x256xf32>
      memref.store %v, %out[%t, %c] : memref<4x256xf32>
    }
  }
  return %out : memref<4x256xf32>
}

// -----

// Stores into an argument that may be the loaded one: nothing moves.
// CHECK-LABEL: func.func @may_alias
//       CHECK:   scf.for
//  CHECK-NEXT:     memref.load %arg0
//  CHECK-NEXT:     memref.store
func.func @may_alias(%a: memref<4xf32>, %b: memref<4x256xf32>, %t: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  scf.for %c = %c0 to %c256 step %c1 {
    %v = memref.load %a[%t] : memref<4xf32>
    memref.store %v, %b[%t, %c] : memref<4x256xf32>
  }
  return
}

// -----

// A loop that may run zero times (dynamic bound), and one with an op of
// unknown effects: the loads stay, so nothing is read that the loop would
// not have read.
// CHECK-LABEL: func.func @left_alone
//       CHECK:   scf.for
//  CHECK-NEXT:     memref.load %arg0
//       CHECK:   scf.for
//  CHECK-NEXT:     memref.load %arg0
//  CHECK-NEXT:     func.call @opaque
func.func private @opaque(f32)
func.func @left_alone(%a: memref<4xf32>, %n: index, %t: index) -> memref<256xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %out = memref.alloc() : memref<256xf32>
  scf.for %c = %c0 to %n step %c1 {
    %v = memref.load %a[%t] : memref<4xf32>
    memref.store %v, %out[%c] : memref<256xf32>
  }
  scf.for %c = %c0 to %c256 step %c1 {
    %v = memref.load %a[%t] : memref<4xf32>
    func.call @opaque(%v) : (f32) -> ()
  }
  return %out : memref<256xf32>
}
