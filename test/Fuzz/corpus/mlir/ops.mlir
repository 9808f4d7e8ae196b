func.func @f(%x: tensor<?x32xf32>, %w: tensor<4x16xi8>, %s: tensor<4x2xf32>, %sc: tensor<f32>, %z: tensor<i8>) -> (tensor<?x4xf32>, tensor<?x32xf32>) {
  %y = quantx.matmul %x, %w weight(#quantx.scheme<i4, axis = 1, group = 16> scale %s) : (tensor<?x32xf32>, tensor<4x16xi8>, tensor<4x2xf32>) -> tensor<?x4xf32>
  %q = quantx.quantize %x as #quantx.scheme<u8> scale(%sc : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?x32xf32> -> tensor<?x32xi8>
  %d = quantx.dequantize %q as #quantx.scheme<u8> scale(%sc : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?x32xi8> -> tensor<?x32xf32>
  return %y, %d : tensor<?x4xf32>, tensor<?x32xf32>
}
