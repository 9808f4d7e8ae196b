// y = x W^T + b with W (2x4) and b (2) from a parameter file.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  ml_program.global private @bias(#ml_program.extern : tensor<2xf32>) : tensor<2xf32> {quantx.parameter = "b"}
  func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    %b = ml_program.global_load_const @bias : tensor<2xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
    } -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}
