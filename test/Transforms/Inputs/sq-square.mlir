// The second layer reads x*x of the first: squaring does not commute with
// per-channel scaling, so SmoothQuant must leave it alone (the float model
// would change).

#id = affine_map<(m, n) -> (m, n)>
func.func @f(%x: tensor<6x8xf32>) -> tensor<6x8xf32> {
  %w1 = arith.constant dense<[[-0.6701, 0.3795, 0.2700, -0.0418, -0.5680, 0.5853, 0.6157, 0.0249], [0.0102, -0.5279, -0.9936, -0.2579, 0.1707, -0.8615, 0.5875, -0.5355], [-0.5346, -0.9153, 0.9951, 0.4774, 0.7501, 0.2318, -0.9319, -0.3421], [-0.0049, -0.7684, 0.9039, -0.2631, -0.6904, 0.6350, -0.7502, 0.8559], [-0.0937, 0.1040, -0.3142, -0.0306, -0.6262, -0.9257, 0.7318, -0.5303], [0.5605, -0.5829, 0.9375, 0.7879, 0.5096, 0.5256, 0.1615, 0.4595], [-0.7550, -0.0473, 0.6540, -0.5978, 0.8463, 0.7751, -0.1808, -0.2696], [-0.0974, -0.2284, 0.9897, -0.2268, -0.9463, -0.8135, 0.4362, 0.9856]]> : tensor<8x8xf32>
  %w2 = arith.constant dense<[[-0.0080, -0.0169, 0.1009, 0.4964, -0.5559, 0.2178, 0.1130, 0.2452], [-0.6386, -0.6598, -0.3036, 0.8541, -0.3068, 0.1945, -0.3868, -0.7935], [-0.8687, 0.6274, 0.5540, -0.2502, 0.3667, 0.3518, 0.7974, 0.9166], [-0.1860, 0.9782, 0.9229, 0.1810, 0.7663, -0.0182, -0.2489, -0.5056], [0.7523, -0.6754, -0.8613, 0.6106, 0.5478, -0.0337, 0.6740, -0.8957], [-0.4840, -0.4203, -0.1609, -0.6587, -0.8611, -0.3238, 0.7983, 0.9669], [0.4917, -0.0421, -0.4956, 0.9178, 0.0513, 0.4572, -0.9434, -0.5758], [0.6765, 0.5904, 0.7629, 0.2027, -0.1478, 0.1623, 0.6987, -0.3840]]> : tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<6x8xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<6x8xf32>) -> tensor<6x8xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<6x8xf32>, tensor<8x8xf32>) outs(%i : tensor<6x8xf32>) -> tensor<6x8xf32>
  %e2 = tensor.empty() : tensor<6x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<6x8xf32>) outs(%e2 : tensor<6x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<6x8xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e : tensor<6x8xf32>) -> tensor<6x8xf32>
  %y = linalg.matmul ins(%g, %w2 : tensor<6x8xf32>, tensor<8x8xf32>) outs(%i2 : tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}
