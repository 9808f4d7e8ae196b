// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant -verify-diagnostics

// Ops a scheme cannot apply to stay in float, with a remark.

func.func @nan_weight(%x: tensor<1x2xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 0x7FC00000], [2.0, 3.0]]> : tensor<2x2xf32>
  // expected-remark@+1 {{'nan_weight.matmul.0' left in float: the weight has NaN or infinite values}}
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @attention_scores(%q: tensor<2x3x4xf32>, %k: tensor<2x4x5xf32>, %o: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  // expected-remark@+1 {{'attention_scores.batch_matmul.0' left in float: its second operand has batch dimensions and is not a constant weight (e.g. attention scores)}}
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%o : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %s : tensor<2x3x5xf32>
}
