// A scheme attribute that is never closed.
func.func @f(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0 scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
