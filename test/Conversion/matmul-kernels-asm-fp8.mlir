// FP8 weights with float activations (w8a16-fp8) decode through f16: the
// bytes sign-extended to 16 bits (vpmovsxbw), shifted and masked into f16
// bits (E4M3FN: the value times 2^-8, which the scale makes up; a compare
// for the NaN codes), converted by vcvtph2ps: every FP8 value, subnormals
// included, becomes a normal f32, so no f32 denormal reaches the FMAs.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver4 | FileCheck %s --check-prefix=AVX512
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// AVX512-LABEL: {{^}}__quantx_kernel_f8E4M3FN{{.*}}:
//       AVX512:   vpmovsxbw
//       AVX512:   vpsllw $7
//       AVX512:   vcvtph2ps %ymm{{[0-9]+}}, %zmm
//       AVX512:   vfmadd{{[0-9]+}}ps %zmm
// AVX2-LABEL: {{^}}__quantx_kernel_f8E4M3FN{{.*}}:
//       AVX2:   vpmovsxbw
//       AVX2:   vcvtph2ps %xmm{{[0-9]+}}, %ymm
func.func @fp8_weights(%a: tensor<?x256xf32>, %w: tensor<64x256xf8E4M3FN>, %s: tensor<64xf32>) -> tensor<?x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN, axis = 0> scale %s) : (tensor<?x256xf32>, tensor<64x256xf8E4M3FN>, tensor<64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}
