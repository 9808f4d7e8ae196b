// Three linear layers: fc1 in @embed, attn.q and attn.k in @attention.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @embed(%x: tensor<2x8xf32>, %o: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x8xf32>
  %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<2x8xf32>, tensor<8x8xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc1")
  return %y : tensor<2x8xf32>
}
func.func @attention(%x: tensor<2x8xf32>, %o: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = arith.constant dense<0.25> : tensor<8x8xf32>
  %q = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<2x8xf32>, tensor<8x8xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32> loc("attn.q")
  %k = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<2x8xf32>, tensor<8x8xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32> loc("attn.k")
  return %q, %k : tensor<2x8xf32>, tensor<2x8xf32>
}
