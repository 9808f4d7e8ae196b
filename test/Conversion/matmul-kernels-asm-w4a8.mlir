// The group-scaled W4A8 kernel (int4 weights and int8 inputs, scales per
// group of 128 along K) in machine code: with VNNI, per 64 weight bytes one
// vpxorq with a memory operand (the nibbles offset to unsigned), a mask and
// a byte shift, and vpdpbusd against the even and the odd input bytes, on
// zmm (AVX512-VNNI) or ymm (AVX-VNNI's VEX form); each group's i32 lanes
// are converted and scaled into f32 lanes with an FMA.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw,avx512vnni" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=VNNI512
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2,avxvnni" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=alderlake | FileCheck %s --check-prefix=AVXVNNI
// Without VNNI the nibbles (below 128, so the saturating instruction is
// exact) go through vpmaddubsw (pairs of byte products in i16) and vpmaddwd
// against ones: on ymm with AVX2, on zmm with AVX-512BW.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=skylake-avx512 | FileCheck %s --check-prefix=AVX512BW
// VNNI512-LABEL: {{^}}__quantx_kernel_i8xi4_in_group{{.*}}:
//       VNNI512:   vpxorq {{.*}}(%{{.*}}), %zmm{{[0-9]+}}, %zmm
//       VNNI512:   vpandq
//       VNNI512:   vpdpbusd %zmm
//       VNNI512:   vcvtdq2ps %zmm
//       VNNI512:   vfmadd{{[0-9]+}}ps %zmm
// AVXVNNI-LABEL: {{^}}__quantx_kernel_i8xi4_in_group{{.*}}:
//       AVXVNNI:   {vex} vpdpbusd %ymm
//       AVXVNNI:   vcvtdq2ps %ymm
// AVX2-LABEL: {{^}}__quantx_kernel_i8xi4_in_group{{.*}}:
//   AVX2-NOT:   vpdpbusd
//       AVX2:   vpmaddubsw %ymm
//       AVX2:   vpmaddwd %ymm
// AVX512BW-LABEL: {{^}}__quantx_kernel_i8xi4_in_group{{.*}}:
//   AVX512BW-NOT:   vpdpbusd
//       AVX512BW:   vpmaddubsw %zmm
//       AVX512BW:   vpmaddwd %zmm
func.func @w4a8(%a: tensor<?x4096xi8>, %w: tensor<64x2048xi8>, %ws: tensor<64x32xf32>, %as: tensor<?x32xf32>) -> tensor<?x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 128> scale %ws) input(#quantx.scheme<i8, axis = 1, group = 128> scale %as) : (tensor<?x4096xi8>, tensor<64x2048xi8>, tensor<64x32xf32>, tensor<?x32xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}
