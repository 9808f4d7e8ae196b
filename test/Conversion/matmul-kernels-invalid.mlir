// Bad options are located errors, not crashes.
// RUN: not quant-opt %s --quantx-matmul-kernels="vector-width=6" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not quant-opt %s --quantx-matmul-kernels="rows=0" 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not quant-run %s --pipeline-options="vector-width=banana" 2>&1 | FileCheck %s --check-prefix=JIT
// WIDTH: error: quantx-matmul-kernels: vector-width must be a power of two >= 2, rows and m-rows >= 1
// ROWS: error: quantx-matmul-kernels: vector-width must be a power of two >= 2, rows and m-rows >= 1
// JIT: quant-run: error: invalid --quantx-cpu-pipeline options 'vector-width=banana'

// Ops the kernels cannot take (a dynamic K here) are left for the
// reference lowering without a diagnostic.
// RUN: quant-opt %s --quantx-matmul-kernels | FileCheck %s --check-prefix=LEFT
// LEFT: quantx.matmul
func.func @f(%a: tensor<1x?xf32>, %w: tensor<4x32xi8>, %s: tensor<f32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<1x?xf32>, tensor<4x32xi8>, tensor<f32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
