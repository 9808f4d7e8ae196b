// y = x * 2 + 0.5 computed in bf16 (each step rounded to bf16).
func.func @scale(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %e = tensor.empty() : tensor<4xbf16>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<4xbf16>) outs(%e : tensor<4xbf16>) {
  ^bb0(%a: bf16, %o: bf16):
    %two = arith.constant 2.0 : bf16
    %half = arith.constant 0.5 : bf16
    %m = arith.mulf %a, %two : bf16
    %r = arith.addf %m, %half : bf16
    linalg.yield %r : bf16
  } -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}

func.func @bytes(%x: tensor<3xui8>) -> tensor<3xui8> {
  return %x : tensor<3xui8>
}
