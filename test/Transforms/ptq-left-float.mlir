// RUN: quant-opt %s --quantx-ptq="scheme=w8a16" -verify-diagnostics | FileCheck %s

// --quantx-ptq never leaves a weight behind a quantx.fake_quant that would
// only simulate quantization at run time: a matmul-like op whose quantized
// matmul cannot be formed goes back to float, with a remark and the reason
// (read by --quantx-report).

// CHECK-LABEL: func.func @per_batch_weight
// CHECK-NOT: quantx.fake_quant
// CHECK: linalg.batch_matmul {quantx.kept_float = "left in float: 'linalg.batch_matmul' multiplies a different weight in each batch (quantized matmuls are 2-D)"} ins(%{{.*}}, %[[W:.*]] :
func.func @per_batch_weight(%x: tensor<2x4x8xf32>) -> tensor<2x4x6xf32> {
  %w = arith.constant dense<0.5> : tensor<2x8x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  // expected-remark @+1 {{'per_batch_weight.batch_matmul.0' left in float: 'linalg.batch_matmul' multiplies a different weight in each batch (quantized matmuls are 2-D)}}
  %y = linalg.batch_matmul ins(%x, %w : tensor<2x4x8xf32>, tensor<2x8x6xf32>) outs(%acc : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  return %y : tensor<2x4x6xf32>
}

// A batch-1 weight is quantized (unbatched first), keeping its name.
// CHECK-LABEL: func.func @batch_one
// CHECK: quantx.matmul
func.func @batch_one(%x: tensor<1x4x8xf32>) -> tensor<1x4x6xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6xf32>) -> tensor<1x4x6xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<1x4x8xf32>, tensor<1x8x6xf32>) outs(%acc : tensor<1x4x6xf32>) -> tensor<1x4x6xf32>
  return %y : tensor<1x4x6xf32>
}

// A weight that is not a compile-time constant.
// CHECK-LABEL: func.func @argument_weight
// CHECK-NOT: quantx.fake_quant
// CHECK: linalg.matmul {quantx.kept_float = "left in float: the weight is not a compile-time constant"}
func.func @argument_weight(%x: tensor<4x8xf32>, %w: tensor<8x6xf32>) -> tensor<4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>
  // expected-remark @+1 {{'argument_weight.matmul.0' left in float: the weight is not a compile-time constant}}
  %y = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%acc : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}
