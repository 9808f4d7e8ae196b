// Weight-only matmuls of every storage kind for the GPU kernel PTX tests.
func.func @nf4(%a: tensor<1x4096xf16>, %w: tensor<256x2048xi8>, %s: tensor<256x64xf16>) -> tensor<1x256xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<nf4, axis = 1, group = 64> scale %s) : (tensor<1x4096xf16>, tensor<256x2048xi8>, tensor<256x64xf16>) -> tensor<1x256xf16>
  return %0 : tensor<1x256xf16>
}
func.func @u4zp(%a: tensor<?x512xf32>, %w: tensor<96x256xi8>, %s: tensor<96x4xf32>, %z: tensor<96x4xi4>, %b: tensor<96xf32>) -> tensor<?x96xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 1, group = 128> scale %s zero_point %z) bias(%b) : (tensor<?x512xf32>, tensor<96x256xi8>, tensor<96x4xf32>, tensor<96x4xi4>, tensor<96xf32>) -> tensor<?x96xf32>
  return %0 : tensor<?x96xf32>
}
func.func @w8(%a: tensor<16x1024xbf16>, %w: tensor<128x1024xi8>, %s: tensor<128xf32>) -> tensor<16x128xbf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<16x1024xbf16>, tensor<128x1024xi8>, tensor<128xf32>) -> tensor<16x128xbf16>
  return %0 : tensor<16x128xbf16>
}
func.func @fp8(%a: tensor<2x1024xf32>, %w: tensor<64x1024xf8E4M3FN>, %s: tensor<f32>) -> tensor<2x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) : (tensor<2x1024xf32>, tensor<64x1024xf8E4M3FN>, tensor<f32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}
