// RUN: quant-opt %s -split-input-file --quantx-linalg-to-loops-by-size | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-linalg-to-loops-by-size="min-iterations=1000000" | FileCheck %s --check-prefix=SMALL
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-linalg-to-loops-by-size -o /dev/null

// A large elementwise op: its leading dimensions (a dynamic size counts as
// 1; with 64 the product reaches 64 chunks) become one parallel loop and
// the innermost (contiguous) dimension a sequential loop inside it, so the
// innermost loop's addresses stay affine when OpenMP collapses the
// parallel dimensions into one iteration count.
// CHECK-LABEL: func.func @elementwise
//   CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
//   CHECK-DAG:   %[[C64:.*]] = arith.constant 64 : index
//   CHECK-DAG:   %[[C128:.*]] = arith.constant 128 : index
//   CHECK-DAG:   %[[D0:.*]] = memref.dim %arg0, %[[C0]]
//       CHECK:   scf.parallel (%[[I:.*]], %[[J:.*]]) = (%{{.*}}, %{{.*}}) to (%[[D0]], %[[C64]])
//  CHECK-NEXT:     scf.for %[[K:.*]] = %{{.*}} to %[[C128]]
//       CHECK:       memref.load %arg0[%{{.*}}, %{{.*}}, %{{.*}}]
//       CHECK:       arith.mulf
//       CHECK:       memref.store
//   CHECK-NOT:   scf.parallel
//       CHECK:   return
// Small: sequential loops only.
// SMALL-LABEL: func.func @elementwise
//       SMALL:   scf.parallel
// (dynamic size: parallel whatever the threshold)
func.func @elementwise(%x: memref<?x64x128xf32>, %y: memref<?x64x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<?x64x128xf32>) outs(%y : memref<?x64x128xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The parallel loop covers the leading dimensions up to 64 iterations (64
// here: the first); the others run sequentially inside it. The loads and
// stores use the loops' indices in order.
// CHECK-LABEL: func.func @static
//       CHECK:   scf.parallel (%[[I:.*]]) =
//  CHECK-NEXT:     scf.for %[[J:.*]] =
//  CHECK-NEXT:       scf.for %[[K:.*]] =
//   CHECK-DAG:       %[[LI:.*]] = affine.apply #{{.*}}(%[[I]])
//   CHECK-DAG:       %[[LJ:.*]] = affine.apply #{{.*}}(%[[J]])
//   CHECK-DAG:       %[[LK:.*]] = affine.apply #{{.*}}(%[[K]])
//       CHECK:       memref.load %arg0[%[[LI]], %[[LJ]], %[[LK]]] : memref<64x32x64xf32>
// SMALL-LABEL: func.func @static
//   SMALL-NOT:   scf.parallel
//       SMALL:   scf.for
//       SMALL:     scf.for
//       SMALL:       scf.for
func.func @static(%x: memref<64x32x64xf32>, %y: memref<64x32x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<64x32x64xf32>) outs(%y : memref<64x32x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// One dimension: a parallel loop (OpenMP's loop over it stays affine).
// CHECK-LABEL: func.func @one_dimension
//       CHECK:   scf.parallel (%{{.*}}) =
//   CHECK-NOT:   scf.for
//       CHECK:   memref.store
func.func @one_dimension(%x: memref<?xf32>, %y: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : memref<?xf32>) outs(%y : memref<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction innermost: the parallel dimensions stay one parallel loop
// around the sequential reduction loop.
// CHECK-LABEL: func.func @row_sums
//       CHECK:   scf.parallel (%{{.*}}, %{{.*}}) =
//  CHECK-NEXT:     scf.for
//       CHECK:       arith.addf
//   CHECK-NOT:   scf.parallel
func.func @row_sums(%x: memref<?x64x128xf32>, %y: memref<?x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : memref<?x64x128xf32>) outs(%y : memref<?x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A rotary embedding's view (16 positions x 32 heads x 2 halves x 64): the
// positions and heads (512 chunks) run in parallel, the halves and the
// elements sequentially, so the half index is a loop variable, not the low
// bit of a collapsed index.
// CHECK-LABEL: func.func @halves
//       CHECK:   scf.parallel (%{{.*}}, %{{.*}}) =
//  CHECK-NEXT:     scf.for
//  CHECK-NEXT:       scf.for
func.func @halves(%x: memref<16x32x2x64xf32>, %y: memref<16x32x2x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, h, s, j) -> (t, h, 1 - s, j)>, affine_map<(t, h, s, j) -> (t, h, s, j)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<16x32x2x64xf32>) outs(%y : memref<16x32x2x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  }
  return
}
