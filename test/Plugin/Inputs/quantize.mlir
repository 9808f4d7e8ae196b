func.func @q(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xi8> {
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
