// y = x W^T in bf16: activations, weights (from a parameter file) and
// result bf16, the sum in f32.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xbf16>) : tensor<2x4xbf16>
  func.func @linear(%x: tensor<1x4xbf16>) -> tensor<1x2xbf16> {
    %w = ml_program.global_load_const @w : tensor<2x4xbf16>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xbf16>, tensor<2x4xbf16>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    %eb = tensor.empty() : tensor<1x2xbf16>
    %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<1x2xf32>) outs(%eb : tensor<1x2xbf16>) {
    ^bb0(%a: f32, %o: bf16):
      %t = arith.truncf %a : f32 to bf16
      linalg.yield %t : bf16
    } -> tensor<1x2xbf16>
    return %r : tensor<1x2xbf16>
  }
}
