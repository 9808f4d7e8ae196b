// FP8 x FP8 tensor-core matmuls (sm_89 and newer) for the mma PTX tests.
func.func @fp8xfp8(%a: tensor<64x256xf8E4M3FN>, %w: tensor<64x256xf8E4M3FN>, %s: tensor<64xf32>, %as: tensor<f32>) -> tensor<64x64xbf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN, axis = 0> scale %s) input(#quantx.scheme<f8E4M3FN> scale %as) : (tensor<64x256xf8E4M3FN>, tensor<64x256xf8E4M3FN>, tensor<64xf32>, tensor<f32>) -> tensor<64x64xbf16>
  return %0 : tensor<64x64xbf16>
}
func.func @fp8e5(%a: tensor<32x128xf8E5M2>, %w: tensor<32x128xf8E4M3FN>, %s: tensor<f32>, %as: tensor<f32>) -> tensor<32x32xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E5M2> scale %as) : (tensor<32x128xf8E5M2>, tensor<32x128xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<32x32xf32>
  return %0 : tensor<32x32xf32>
}
