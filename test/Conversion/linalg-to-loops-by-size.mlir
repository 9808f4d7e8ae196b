// RUN: quant-opt %s -split-input-file --quantx-linalg-to-loops-by-size | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-linalg-to-loops-by-size="min-iterations=1000000" | FileCheck %s --check-prefix=SMALL
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-linalg-to-loops-by-size -o /dev/null

// A large elementwise op: its outer dimensions become one parallel loop and
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

// The loads and stores use the parallel loop's indices and the sequential
// loop's, in order.
// CHECK-LABEL: func.func @static
//       CHECK:   scf.parallel (%[[I:.*]], %[[J:.*]]) =
//  CHECK-NEXT:     scf.for %[[K:.*]] =
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
