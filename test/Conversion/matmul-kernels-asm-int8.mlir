// RUN: quant-opt %s --quantx-cpu-pipeline="vector-width=8" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --quantx-cpu-pipeline="vector-width=16" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=AVX512
// W8A8: 16-bit pair products summed into 32-bit lanes become vpmaddwd on
// AVX2; with AVX-512 VNNI LLVM fuses the accumulation into vpdpwssd.
// AVX2-LABEL: {{^}}__quantx_kernel_i8xi8{{.*}}:
//       AVX2:   vpmovsxbw
//       AVX2:   vpmaddwd %ymm
// AVX512-LABEL: {{^}}__quantx_kernel_i8xi8{{.*}}:
//       AVX512:   vpdpwssd %zmm
func.func @w8a8(%a: tensor<1x4096xi8>, %w: tensor<4096x4096xi8>, %ws: tensor<4096xf32>, %as: tensor<f32>) -> tensor<1x4096xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<i8> scale %as) : (tensor<1x4096xi8>, tensor<4096x4096xi8>, tensor<4096xf32>, tensor<f32>) -> tensor<1x4096xf32>
  return %0 : tensor<1x4096xf32>
}
