// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=AVX512
// With VNNI the kernel multiplies four bytes per lane: vpdpbusd on zmm
// (AVX512-VNNI) or, with 8 lanes, on ymm (AVX-VNNI's VEX form, or EVEX with
// AVX512-VL); for i8 x i8 the weight is offset to unsigned with a vpxor and
// 128 times the input row sums (computed once per call) is subtracted.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw,avx512vnni" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=znver5 | FileCheck %s --check-prefix=VNNI512
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2,avxvnni" | mlir-translate --mlir-to-llvmir | llc -O3 -mcpu=alderlake | FileCheck %s --check-prefix=AVXVNNI
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw,avx512vnni" | FileCheck %s --check-prefix=INTRVNNI
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2,avx512vnni,avx512vl" | FileCheck %s --check-prefix=INTRVNNI256
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw kernel-vnni=1" | FileCheck %s --check-prefix=PLAIN
// INTRVNNI-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// INTRVNNI256: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// PLAIN-NOT: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd
// PLAIN: llvm.shufflevector
// VNNI512-LABEL: {{^}}__quantx_kernel_i8xi8{{.*}}_vnni{{.*}}:
//       VNNI512:   vpxor{{.*}}%zmm
//       VNNI512:   vpdpbusd %zmm
// AVXVNNI-LABEL: {{^}}__quantx_kernel_i8xi8{{.*}}_vnni{{.*}}:
//       AVXVNNI:   {vex} vpdpbusd %ymm
// The pair products are pinned to the intrinsic for the target (so that
// LLVM's IR optimizations in the JIT cannot reshape them), and left as
// plain vector arithmetic without the feature.
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx2" | FileCheck %s --check-prefix=INTR
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=avx512f,avx512bw" | FileCheck %s --check-prefix=INTR512
// RUN: quant-opt %s --quantx-cpu-pipeline="cpu-features=none" | FileCheck %s --check-prefix=NONE
// INTR: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// INTR512: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"
// NONE-NOT: llvm.call_intrinsic
// NONE: llvm.mul {{.*}} : vector<8xi32>
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
