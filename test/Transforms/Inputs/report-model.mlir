#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @model(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, -2.0, 0.5, 4.0], [0.25, 0.5, -1.0, 2.0]]> : tensor<2x4xf32>
  %e1 = tensor.empty() : tensor<1x2xf32>
  %i1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %h = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w1 : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc1")
  %w2 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %e2 = tensor.empty() : tensor<1x3xf32>
  %i2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%h, %w2 : tensor<1x2xf32>, tensor<3x2xf32>) outs(%i2 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("head")
  return %y : tensor<1x3xf32>
}
