// W4A8 with the packed 4-bit weight as a function argument (not a
// constant), an input zero point and a dynamic M: the weight's row sums are
// a reduction in the IR (this used to crash the reference lowering).
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// Every linalg op outlined into shared functions: the same results.
// RUN: quant-opt %s --quantx-cpu-pipeline="outline-min-ops=0" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func @w4a8(%a: tensor<?x4xi8>, %w: tensor<2x2xi8>, %ws: tensor<2xf32>, %as: tensor<f32>, %az: tensor<i8>) -> tensor<?x2xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 0> scale %ws) input(#quantx.scheme<i8> scale %as zero_point %az) : (tensor<?x4xi8>, tensor<2x2xi8>, tensor<2xf32>, tensor<f32>, tensor<i8>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @main() {
  // Weight codes [[1, -2, 3, -4], [7, -8, 0, 5]], two per byte, low nibble
  // first: 0xE1 0xC3 / 0x87 0x50.
  %w = arith.constant dense<[[-31, -61], [-121, 80]]> : tensor<2x2xi8>
  %ws = arith.constant dense<[0.25, 0.125]> : tensor<2xf32>
  %as = arith.constant dense<0.5> : tensor<f32>
  %az = arith.constant dense<3> : tensor<i8>
  %a = arith.constant dense<[[10, 3, -5, 0], [3, 3, 3, 3]]> : tensor<2x4xi8>
  %ad = tensor.cast %a : tensor<2x4xi8> to tensor<?x4xi8>
  %y = call @w4a8(%ad, %w, %ws, %as, %az) : (tensor<?x4xi8>, tensor<2x2xi8>, tensor<2xf32>, tensor<f32>, tensor<i8>) -> tensor<?x2xf32>
  %u = tensor.cast %y : tensor<?x2xf32> to tensor<*xf32>
  // a - 3 = [7, 0, -8, -3]: sums -5 and 34, times 0.5 * [0.25, 0.125];
  // the second row is the zero point, so zeros.
  // CHECK: [-0.625, 2.125]
  // CHECK: [0, 0]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
