// RUN: quant-opt %s --quantx-insert-fake-quant=scheme=w8a16-fp8 | FileCheck %s
// RUN: quant-opt %s --quantx-ptq=scheme=w8a16-fp8 | FileCheck %s --check-prefix=PTQ

// FP8 E4M3 weights with one scale per output channel (max |w| / 448),
// activations left in float.
// W rows: max |w| = 896 and 4.48: scales 2 and 0.01; codes w / s:
// [448, -224, 1, 0.5] and [1, -448, 2.5, 0.25], all exact in E4M3.

// CHECK-LABEL: func.func @linear
// CHECK-NOT: quantx.fake_quant %arg0
// CHECK: %[[S:.*]] = arith.constant dense<[2.000000e+00, 0.00999999977]> : tensor<2xf32>
// CHECK: quantx.fake_quant %{{.*}} as #quantx.scheme<f8E4M3FN, axis = 0> scale(%[[S]] : tensor<2xf32>) : tensor<2x4xf32> -> tensor<2x4xf32>

// PTQ-LABEL: func.func @linear
// PTQ: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x4xf8E4M3FN>
// PTQ: quantx.matmul %arg0, %[[W]] weight(#quantx.scheme<f8E4M3FN, axis = 0> scale %{{.*}}) : (tensor<1x4xf32>, tensor<2x4xf8E4M3FN>, tensor<2xf32>) -> tensor<1x2xf32>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[896.0, -448.0, 2.0, 1.0], [0.01, -4.48, 0.025, 0.0025]]> : tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
