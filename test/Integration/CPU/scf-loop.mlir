// A model whose layers run in an scf.for carrying a tensor (the buffer is
// reallocated per iteration) lowers and runs through the pipeline.
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// Every linalg op outlined into shared functions: the same results.
// RUN: quant-opt %s --quantx-cpu-pipeline="outline-min-ops=0" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
func.func @layers(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[2.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %e = tensor.empty() : tensor<1x2xf32>
  %r = scf.for %iv = %c0 to %c3 step %c1 iter_args(%a = %x) -> tensor<1x2xf32> {
    %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = linalg.matmul ins(%a, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
    scf.yield %y : tensor<1x2xf32>
  }
  return %r : tensor<1x2xf32>
}
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func @main() {
  // [1, 3] * diag(2, 1) three times = [8, 3].
  %x = arith.constant dense<[[1.0, 3.0]]> : tensor<1x2xf32>
  %y = call @layers(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %u = tensor.cast %y : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  // CHECK: {{\[\[}}8,   3]]
  return
}
