// The kernels' machine code for an AVX2 CPU (Zen 3) and an AVX-512 one
// (Zen 5): packed int4 weights are loaded 8 or 16 bytes at a time and
// sign-extended to dwords by the load itself (vpmovsxbd from memory), the
// two nibbles split in registers (a mask for 16 q_hi, a shift for
// 2^28 q_lo), products use FMA on full vectors, and nothing is unpacked to
// memory.
// RUN: quant-opt %s --quantx-cpu-pipeline="vector-width=8" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --quantx-cpu-pipeline="vector-width=16" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=AVX512

// AVX2-LABEL: {{^}}__quantx_kernel_i4{{.*}}:
//       AVX2:   vpmovsxbd ({{.*}}), %ymm
//       AVX2:   vpslld $28, %ymm
//       AVX2:   vcvtdq2ps %ymm
//       AVX2:   vfmadd{{[0-9]+}}ps %ymm
// AVX512-LABEL: {{^}}__quantx_kernel_i4{{.*}}:
//       AVX512:   vpmovsxbd ({{.*}}), %zmm
//       AVX512:   vpslld $28, %zmm
//       AVX512:   vcvtdq2ps %zmm
//       AVX512:   vfmadd{{[0-9]+}}ps %zmm
func.func @w4a16(%a: tensor<1x4096xf32>, %w: tensor<4096x2048xi8>, %s: tensor<4096x32xf32>) -> tensor<1x4096xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 128> scale %s) : (tensor<1x4096xf32>, tensor<4096x2048xi8>, tensor<4096x32xf32>) -> tensor<1x4096xf32>
  return %0 : tensor<1x4096xf32>
}


// NF4: the code book is looked up with vpermps where AVX2 is allowed, with
// a select tree otherwise.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2" | FileCheck %s --check-prefix=PERM
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=none" | FileCheck %s --check-prefix=TREE
// With 16 lanes the bytes are widened by the load and the low nibble needs
// no mask: vpermps (or its integer twin vpermd) reads 4 index bits.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=PERM512
// PERM512-LABEL: {{^}}__quantx_kernel_nf4{{.*}}:
//       PERM512:   vpmovzxbd ({{.*}}), %zmm[[B:[0-9]+]]
//   PERM512-NOT:   vpand
//       PERM512:   vperm{{d|ps}} %zmm{{[0-9]+}}, %zmm[[B]], %zmm
//       PERM512:   vpsrld $4, %zmm[[B]], %zmm[[B]]
//       PERM512:   vperm{{d|ps}} %zmm{{[0-9]+}}, %zmm[[B]], %zmm
// PERM-COUNT-2: llvm.call_intrinsic "llvm.x86.avx2.permps"
// TREE-NOT: llvm.call_intrinsic
// TREE: llvm.select
func.func @nf4(%a: tensor<1x128xf32>, %w: tensor<8x64xi8>, %s: tensor<8x2xf32>) -> tensor<1x8xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<nf4, axis = 1, group = 64> scale %s) : (tensor<1x128xf32>, tensor<8x64xi8>, tensor<8x2xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}
