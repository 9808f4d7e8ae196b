// REQUIRES: ptxas
// --quantx-gpu-pipeline: a W4A16 matmul (packed int4, groups of 32) becomes
// a launch of the quantx GEMV kernel; `format=bin` runs the CUDA toolkit's
// ptxas, so a gpu.binary here means ptxas accepted the code for that chip.
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX
// RUN: quant-opt %s --quantx-gpu-pipeline="chip=sm_90 format=isa kernels=false" | FileCheck %s --check-prefix=NAIVE
// RUN: not quant-opt %s --quantx-gpu-pipeline="chip=sm_100" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not quant-opt %s --quantx-gpu-pipeline="chip=sm_60 kernels=false" 2>&1 | FileCheck %s --check-prefix=BAD60
// RUN: not quant-opt %s --quantx-gpu-pipeline="mma-n-tiles=9" 2>&1 | FileCheck %s --check-prefix=TILES
// RUN: not quant-opt %s --quantx-gpu-pipeline="format=elf" 2>&1 | FileCheck %s --check-prefix=FORMAT

// SM80-DAG: gpu.binary @__quantx_gpu_kernels [#gpu.object<#nvvm.target<{{.*}}chip = "sm_80"
// SM80-DAG: llvm.func @w4a16
// The result is allocated in GPU memory; the launch runs on a stream that
// is synchronized before the function returns.
// SM80-DAG: %[[STREAM:.*]] = llvm.call @mgpuStreamCreate()
// SM80-DAG: llvm.call @mgpuMemAlloc(%{{.*}}, %[[STREAM]], %{{.*}})
// SM80-DAG: gpu.launch_func <%[[STREAM]] : !llvm.ptr> @__quantx_gpu_kernels::@gemv_i4_n8_k64_g32_group_w4_r4_sk1_f32_f32_f32 blocks in
// SM80-DAG: llvm.call @mgpuStreamSynchronize(%[[STREAM]])
// SM90: gpu.binary @__quantx_gpu_kernels [#gpu.object<#nvvm.target<{{.*}}chip = "sm_90"
// The packed weights are read 16 bytes per lane and the partial sums
// combined with warp shuffles.
// PTX: .target sm_90
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: shfl.sync.bfly.b32
// Without the kernels, the reference lowering's parallel loops become
// naive kernels (one thread per output, bytes loaded one at a time).
// NAIVE: gpu.binary @w4a16_kernel
// NAIVE: ld.global.b8
// BAD: error: quantx-gpu-pipeline: unsupported chip 'sm_100'; expected sm_70 to sm_90a
// BAD-NOT: func.func
// BAD60: error: quantx-gpu-pipeline: unsupported chip 'sm_60'
// TILES: error: quantx-gpu-pipeline: mma-n-tiles must be in [1, 8], got 9
// FORMAT: Cannot find option named 'elf'!
func.func @w4a16(%a: tensor<4x64xf32>, %w: tensor<8x32xi8>, %s: tensor<8x2xf32>) -> tensor<4x8xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<4x64xf32>, tensor<8x32xi8>, tensor<8x2xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
