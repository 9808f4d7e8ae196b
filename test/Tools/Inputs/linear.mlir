// y = relu(x * W^T + b) with W8A16 weights (as quantx.matmul), plus a
// second function returning two results.
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  // int8 weights, per-channel scales 0.5 and 0.25:
  //   W = [[1, 2, -1, 0] * 0.5, [4, 0, 0, -4] * 0.25] = [[0.5, 1, -0.5, 0], [1, 0, 0, -1]]
  %w = arith.constant dense<[[1, 2, -1, 0], [4, 0, 0, -4]]> : tensor<2x4xi8>
  %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y = quantx.matmul %x, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<?x4xf32>, tensor<2x4xi8>, tensor<2xf32>) -> tensor<?x2xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<?x2xf32>) outs(%y : tensor<?x2xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x2xf32>
  return %r : tensor<?x2xf32>
}

func.func @two_results(%a: tensor<3xi8>) -> (tensor<3xi32>, tensor<3xi8>) {
  %e = arith.extsi %a : tensor<3xi8> to tensor<3xi32>
  return %e, %a : tensor<3xi32>, tensor<3xi8>
}
