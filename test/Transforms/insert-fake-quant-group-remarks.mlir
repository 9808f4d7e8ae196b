// RUN: quant-opt %s -split-input-file --quantx-insert-fake-quant="scheme=w8a8-dynamic-group group-size=3" -verify-diagnostics

// Per-group activation scales (w8a8-dynamic-group, w4a8-dynamic) need a
// static reduction dimension that the group size divides; otherwise the op
// stays in float, with a remark.

func.func @group_does_not_divide(%x: tensor<1x4xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  // expected-remark@+1 {{'group_does_not_divide.matmul.0' left in float: per-group activation scales need a static reduction dimension that the group size 3 divides}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @dynamic_k(%x: tensor<1x?xf32>, %w: tensor<2x?xf32>, %o: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-remark@+1 {{'dynamic_k.matmul.0' left in float: per-group activation scales need a static reduction dimension that the group size 3 divides}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x?xf32>, tensor<2x?xf32>) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
