// RUN: quant-opt %s --quantx-form-quantized-matmul --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: quant-opt %s --quantx-form-quantized-matmul=fold-requantize=false --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// An integer matmul followed by bias, ReLU and a u8 quantize for the next
// layer, executed with the requantize fold (bias in i32, one multiplier,
// max(q, zo)) and without it (f32 round trip): both give the codes below.
// By hand: acc = A W^T = [[-2, 70], [-12, -60]];
//   float:  y = acc * 0.5 * [0.5, 0.25] + [1, -2] = [[0.5, 6.75], [-2, -9.5]]
//           relu, / 0.125, + 10 -> [[14, 64], [10, 10]]
//   folded: (acc + [4, -16]) * [2, 1] = [[4, 54], [-16, -76]]
//           + 10, clamp to [0, 255], max(., 10) -> [[14, 64], [10, 10]]

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

func.func @layer(%a: tensor<?x4xi8>) -> tensor<?x2xi8> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x4xi8>
  %w = arith.constant dense<[[1, 2, 3, -4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %as = arith.constant dense<0.5> : tensor<f32>
  %b = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %os = arith.constant dense<0.125> : tensor<f32>
  %oz = arith.constant dense<10> : tensor<i8>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<i8> scale %as) : (tensor<?x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %e = tensor.empty(%m) : tensor<?x2xf32>
  %z = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%0, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  %q = quantx.quantize %r as #quantx.scheme<u8> scale(%os : tensor<f32>) zero_point(%oz : tensor<i8>) : tensor<?x2xf32> -> tensor<?x2xi8>
  return %q : tensor<?x2xi8>
}

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

func.func @main() {
  %a = arith.constant dense<[[1, 2, 3, 4], [-4, -3, -2, -1]]> : tensor<2x4xi8>
  %ad = tensor.cast %a : tensor<2x4xi8> to tensor<?x4xi8>
  %q = call @layer(%ad) : (tensor<?x4xi8>) -> tensor<?x2xi8>
  %e = arith.extui %q : tensor<?x2xi8> to tensor<?x2xi32>
  %p = tensor.cast %e : tensor<?x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p) : (tensor<*xi32>) -> ()
  // CHECK: [14,   64]
  // CHECK-NEXT: [10,   10]
  return
}
