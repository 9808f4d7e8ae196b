// Bad options are located errors, not crashes.
// RUN: not quant-opt %s --quantx-matmul-kernels="vector-width=6" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not quant-opt %s --quantx-matmul-kernels="m-rows=0" 2>&1 | FileCheck %s --check-prefix=MROWS
// RUN: not quant-opt %s --quantx-matmul-kernels="rows=-2" 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not quant-opt %s --quantx-matmul-kernels="panel-min-m=-1" 2>&1 | FileCheck %s --check-prefix=PANEL
// RUN: not quant-opt %s --quantx-matmul-kernels="prefetch-bytes=-64" 2>&1 | FileCheck %s --check-prefix=PREFETCH
// RUN: not quant-run %s --pipeline-options="vector-width=banana" 2>&1 | FileCheck %s --check-prefix=JIT
// WIDTH: error: quantx-matmul-kernels: vector-width must be a power of two from 2 to 64, got 6
// WIDTH-NOT: func.func
// MROWS: error: quantx-matmul-kernels: m-rows must be >= 1, got 0
// ROWS: error: quantx-matmul-kernels: rows must be >= 1 (or 0: automatic), got -2
// PANEL: error: quantx-matmul-kernels: panel-min-m must be >= 0, got -1
// PREFETCH: error: quantx-matmul-kernels: prefetch-bytes must be >= 0, got -64
// JIT: quant-run: error: invalid --quantx-cpu-pipeline options 'vector-width=banana'

// The CPU pipeline checks its options before it runs: one line naming the
// option, no module dump.
// RUN: not quant-opt %s --quantx-cpu-pipeline="cpu-features=banana" 2>&1 | FileCheck %s --check-prefix=FEATURE
// RUN: not quant-opt %s --quantx-cpu-pipeline="cpu-features=," 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not quant-opt %s --quantx-cpu-pipeline="kernel-m-rows=-1" 2>&1 | FileCheck %s --check-prefix=PMROWS
// RUN: not quant-opt %s --quantx-cpu-pipeline="vector-width=12" 2>&1 | FileCheck %s --check-prefix=PWIDTH
// RUN: not quant-opt %s --quantx-cpu-pipeline="parallel-min-iterations=0" 2>&1 | FileCheck %s --check-prefix=PMIN
// RUN: not quant-opt %s --quantx-cpu-pipeline="parallel-min-macs=-1" 2>&1 | FileCheck %s --check-prefix=PMACS
// RUN: not quant-opt %s --quantx-cpu-pipeline="parameter-binding=bogus" 2>&1 | FileCheck %s --check-prefix=BIND
// RUN: not quant-opt %s --quantx-cpu-pipeline="outline-min-ops=-2" 2>&1 | FileCheck %s --check-prefix=OUTLINE
// RUN: not quant-opt %s --quantx-outline-structured-ops="min-ops=-1" 2>&1 | FileCheck %s --check-prefix=OUTLINEPASS
// RUN: not quant-opt %s --quantx-cpu-pipeline="reassociate-reductions=2" 2>&1 | FileCheck %s --check-prefix=REASSOC
// RUN: not quant-run %s --pipeline-options="cpu-features=banana" 2>&1 | FileCheck %s --check-prefix=JITFEATURE
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2,avx512f,avx512bw" | FileCheck %s --check-prefix=LIST
// FEATURE: error: quantx-cpu-pipeline: unknown CPU feature 'banana' in cpu-features
// FEATURE-NOT: func.func
// EMPTY: error: quantx-cpu-pipeline: cpu-features must be 'host', 'none' or a comma-separated list
// PMROWS: error: quantx-cpu-pipeline: vector-width, kernel-rows and kernel-m-rows must be >= 0
// PWIDTH: error: quantx-cpu-pipeline: vector-width must be a power of two from 2 to 64, got 12
// PMIN: error: quantx-cpu-pipeline: parallel-min-iterations must be >= 1
// PMACS: error: quantx-cpu-pipeline: parallel-min-macs must be >= 0
// BIND: Cannot find option named 'bogus'
// OUTLINE: error: quantx-cpu-pipeline: outline-min-ops must be >= 0, or -1 (none)
// OUTLINEPASS: error: quantx-outline-structured-ops: min-ops must be >= 0, got -1
// REASSOC: error: quantx-cpu-pipeline: reassociate-reductions must be -1 (as kernels), 0 or 1
// JITFEATURE: quant-run: error: invalid --quantx-cpu-pipeline options: unknown CPU feature 'banana'
// LIST: llvm.func @f

// Ops the kernels cannot take (a dynamic K here) are left for the
// reference lowering without a diagnostic.
// RUN: quant-opt %s --quantx-matmul-kernels | FileCheck %s --check-prefix=LEFT
// LEFT: quantx.matmul
func.func @f(%a: tensor<1x?xf32>, %w: tensor<4x32xi8>, %s: tensor<f32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<1x?xf32>, tensor<4x32xi8>, tensor<f32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
