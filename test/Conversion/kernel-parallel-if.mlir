// RUN: quant-opt %s -split-input-file --quantx-kernel-parallel-if | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-kernel-parallel-if="min-macs=5000" | FileCheck %s --check-prefix=LOW

// A kernel (quantx.kernel with N = 16, K = 64): its parallel regions run on
// threads only when M * 16 * 64 reaches the threshold.
// CHECK-LABEL: func.func private @kernel
//   CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
//   CHECK-DAG:   %[[NK:.*]] = arith.constant 1024 : index
//   CHECK-DAG:   %[[MIN:.*]] = arith.constant 1048576 : index
//   CHECK-DAG:   %[[M:.*]] = memref.dim %arg0, %[[C0]] : memref<?x64xf32>
//   CHECK-DAG:   %[[MACS:.*]] = arith.muli %[[M]], %[[NK]] : index
//       CHECK:   %[[IF:.*]] = arith.cmpi uge, %[[MACS]], %[[MIN]] : index
//       CHECK:   omp.parallel if(%[[IF]])
//       CHECK:   omp.parallel if(%[[IF]])
// LOW-LABEL: func.func private @kernel
//       LOW:   arith.constant 5000 : index
func.func private @kernel(%a: memref<?x64xf32>, %w: memref<16x64xf32>, %o: memref<?x16xf32>)
    attributes {quantx.kernel = {kind = "cpu.float", n = 16 : i64, k = 64 : i64}} {
  omp.parallel {
    omp.terminator
  }
  omp.parallel {
    omp.terminator
  }
  return
}

// -----

// Functions that are not kernels, and regions that have an if clause
// already, are left alone.
// CHECK-LABEL: func.func @not_a_kernel
//   CHECK-NOT:   memref.dim
//       CHECK:   omp.parallel {
func.func @not_a_kernel(%a: memref<?x64xf32>) {
  omp.parallel {
    omp.terminator
  }
  return
}

// -----

// CHECK-LABEL: func.func private @has_if
//       CHECK:   omp.parallel if(%arg1)
func.func private @has_if(%a: memref<?x64xf32>, %c: i1)
    attributes {quantx.kernel = {kind = "cpu.float", n = 16 : i64, k = 64 : i64}} {
  omp.parallel if(%c) {
    omp.terminator
  }
  return
}
