// A rank-0 dense_resource constant (which MLIR 22's memref-to-LLVM lowering
// cannot handle by itself) runs through the pipeline. Blob: f32 1.5.
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func @main() {
  %s = arith.constant dense_resource<blob1> : tensor<f32>
  %u = tensor.cast %s : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  // CHECK: [1.5]
  return
}
{-#
  dialect_resources: { builtin: { blob1: "0x040000000000C03F" } }
#-}
