// RUN: quant-opt %s --quantx-cpu-pipeline | FileCheck %s
// RUN: quant-opt %s --quantx-cpu-pipeline=emit-c-interface | FileCheck %s --check-prefix=CIFACE

// The pipeline leaves only the LLVM dialect (the kernels keep their
// `quantx.kernel` description, a discardable attribute).
// CHECK-NOT: = quantx.
// CHECK-NOT: {{[ (<]}}#quantx
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-LABEL: llvm.func @w4a16
// CHECK: llvm.intr.roundeven
// CHECK-NOT: = quantx.
// CHECK-NOT: {{[ (<]}}#quantx
// CHECK-NOT: linalg.

// CIFACE: llvm.func @_mlir_ciface_w4a16
func.func @w4a16(%a: tensor<?x64xf32>, %w: tensor<8x32xi8>, %s: tensor<8x2xf32>) -> tensor<?x8xi8> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<?x64xf32>, tensor<8x32xi8>, tensor<8x2xf32>) -> tensor<?x8xf32>
  %os = arith.constant dense<0.25> : tensor<f32>
  %q = quantx.quantize %y as #quantx.scheme<i8> scale(%os : tensor<f32>) : tensor<?x8xf32> -> tensor<?x8xi8>
  return %q : tensor<?x8xi8>
}
