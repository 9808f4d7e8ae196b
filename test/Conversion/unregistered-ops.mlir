// Ops of unregistered dialects do not crash the passes: the reference
// lowering leaves them, the pipelines stop with a located error.
// RUN: quant-opt --allow-unregistered-dialect %s --quantx-lower-to-linalg | FileCheck %s
// RUN: not quant-opt --allow-unregistered-dialect %s --quantx-cpu-pipeline 2>&1 | FileCheck %s --check-prefix=PIPE
// RUN: not quant-opt --allow-unregistered-dialect %s --quantx-gpu-pipeline=format=isa 2>&1 | FileCheck %s --check-prefix=PIPE

// CHECK: linalg.generic
// CHECK: "foo.bar"() : () -> ()
// PIPE: unregistered-ops.mlir:[[@LINE+4]]:3: error: ops with unknown memory side effects are not supported
// PIPE-NOT: PLEASE submit a bug report
func.func @f(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  "foo.bar"() : () -> ()
  return %q : tensor<4xi8>
}
