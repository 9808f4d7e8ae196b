// y = x * W^T with a constant 4 x 8 weight.
func.func @linear(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[0.31, 0.72, 0.05, 0.44, 0.18, 0.93, 0.27, 0.12],
                             [-0.5, 0.25, -0.75, 1.0, -1.25, 0.5, 0.0, 0.125],
                             [1.5, -0.25, 0.5, -0.5, 0.75, 0.25, -1.0, 0.375],
                             [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]]> : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul
      indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                       affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<2x8xf32>, tensor<4x8xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
