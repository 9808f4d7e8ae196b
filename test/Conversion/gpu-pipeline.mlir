// REQUIRES: ptxas
// --quantx-gpu-pipeline: a W4A16 matmul (packed int4, groups of 32) becomes
// GPU kernels; `format=bin` runs the CUDA toolkit's ptxas, so a gpu.binary
// here means ptxas accepted the code for that chip.
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX
// RUN: not quant-opt %s --quantx-gpu-pipeline="chip=sm_100" 2>&1 | FileCheck %s --check-prefix=BAD

// SM80-DAG: gpu.binary @w4a16_kernel [#gpu.object<#nvvm.target<chip = "sm_80"
// SM80-DAG: llvm.func @w4a16
// SM80-DAG: gpu.launch_func
// SM90: gpu.binary @w4a16_kernel [#gpu.object<#nvvm.target<chip = "sm_90"
// The packed weight bytes are read from global memory and the nibbles
// extracted in registers (no unpacked copy).
// PTX: .target sm_90
// PTX: ld.global.b8
// PTX: shr.u16
// BAD: error: quantx-gpu-pipeline: unsupported chip 'sm_100'; expected sm_70 to sm_90a
func.func @w4a16(%a: tensor<4x64xf32>, %w: tensor<8x32xi8>, %s: tensor<8x2xf32>) -> tensor<4x8xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<4x64xf32>, tensor<8x32xi8>, tensor<8x2xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
