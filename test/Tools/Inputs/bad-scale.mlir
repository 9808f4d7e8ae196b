// A zero scale is caught by the verifier before any pass runs.
func.func @f(%x: tensor<4xf32>) -> tensor<4xi8> {
  %s = arith.constant dense<0.0> : tensor<f32>
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
