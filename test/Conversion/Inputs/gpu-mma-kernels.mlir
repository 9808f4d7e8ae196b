// Tensor-core matmuls (static M >= 17) for the mma PTX tests.
func.func @w4(%a: tensor<64x1024xf16>, %w: tensor<256x512xi8>, %s: tensor<256x8xf16>, %b: tensor<256xf16>) -> tensor<64x256xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 128> scale %s) bias(%b) : (tensor<64x1024xf16>, tensor<256x512xi8>, tensor<256x8xf16>, tensor<256xf16>) -> tensor<64x256xf16>
  return %0 : tensor<64x256xf16>
}
func.func @u4zp(%a: tensor<40x512xbf16>, %w: tensor<64x256xi8>, %s: tensor<64x4xbf16>, %z: tensor<64x4xi4>) -> tensor<40x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 1, group = 128> scale %s zero_point %z) : (tensor<40x512xbf16>, tensor<64x256xi8>, tensor<64x4xbf16>, tensor<64x4xi4>) -> tensor<40x64xf32>
  return %0 : tensor<40x64xf32>
}
func.func @w8(%a: tensor<32x256xbf16>, %w: tensor<128x256xi8>, %s: tensor<128xf32>) -> tensor<32x128xbf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<32x256xbf16>, tensor<128x256xi8>, tensor<128xf32>) -> tensor<32x128xbf16>
  return %0 : tensor<32x128xbf16>
}
func.func @fp8w(%a: tensor<17x128xf16>, %w: tensor<32x128xf8E4M3FN>, %s: tensor<f32>) -> tensor<17x32xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) : (tensor<17x128xf16>, tensor<32x128xf8E4M3FN>, tensor<f32>) -> tensor<17x32xf16>
  return %0 : tensor<17x32xf16>
}
func.func @w8a8(%a: tensor<48x256xi8>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %as: tensor<f32>, %az: tensor<i8>) -> tensor<48x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<u8> scale %as zero_point %az) : (tensor<48x256xi8>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>, tensor<i8>) -> tensor<48x64xf32>
  return %0 : tensor<48x64xf32>
}
