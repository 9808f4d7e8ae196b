// RUN: quant-opt %s --quantx-form-quantized-matmul | FileCheck %s --check-prefix=IR
// RUN: quant-opt %s --quantx-form-quantized-matmul --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// A torch-mlir-style quantized linear layer: linalg.quantized_matmul with
// scalar zero points, then the accumulator rescaled by a constant. It is
// imported as one scaled integer quantx.matmul; run with and without the
// import, it gives the same values, computed by hand from
//   y = 0.5 * sum_k (A - (-2)) * (B - 5):
//   A = [[-128, 127, 5, -3], [0, 1, -1, 100]]
//   B^T = [[127, -128, 3, 4], [1, 1, 1, 1], [-7, 0, 9, 2]]
//   acc = [[-32542, -36, 898], [-259, -432, -341]]
//   y = [[-16271, -18, 449], [-129.5, -216, -170.5]]

// IR-LABEL: func @layer
//   IR-NOT:   linalg.quantized_matmul
//       IR:   quantx.matmul
//   IR-NOT:   linalg.generic
func.func @layer(%a: tensor<2x4xi8>) -> tensor<2x3xf32> {
  %b = arith.constant dense<[[127, 1, -7], [-128, 1, 0], [3, 1, 9], [4, 1, 2]]> : tensor<4x3xi8>
  %za = arith.constant -2 : i32
  %zb = arith.constant 5 : i32
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x3xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x3xi32>) -> tensor<2x3xi32>
  %r = linalg.quantized_matmul ins(%a, %b, %za, %zb : tensor<2x4xi8>, tensor<4x3xi8>, i32, i32) outs(%f : tensor<2x3xi32>) -> tensor<2x3xi32>
  %s = arith.constant 0.5 : f32
  %e2 = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<2x3xi32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%in: i32, %out: f32):
    %c = arith.sitofp %in : i32 to f32
    %m = arith.mulf %c, %s : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @main() {
  %a = arith.constant dense<[[-128, 127, 5, -3], [0, 1, -1, 100]]> : tensor<2x4xi8>
  %y = call @layer(%a) : (tensor<2x4xi8>) -> tensor<2x3xf32>
  %p = tensor.cast %y : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  // CHECK: [-16271,   -18,   449]
  // CHECK-NEXT: [-129.5,   -216,   -170.5]
  return
}
