// Integer and FP8 tensor-core matmuls on chips without such tensor cores
// are located errors (tensor-cores=false leaves them to CUDA-core code);
// bad options are errors, not crashes.
// RUN: quant-opt %s -split-input-file -verify-diagnostics --quantx-gpu-matmul-kernels="chip=sm_75"
// RUN: quant-opt %s -split-input-file --quantx-gpu-matmul-kernels="chip=sm_75 tensor-cores=false" | FileCheck %s --check-prefix=OFF
// RUN: not quant-opt %s -split-input-file --quantx-gpu-matmul-kernels="chip=sm_100" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not quant-opt %s -split-input-file --quantx-gpu-matmul-kernels="warps=0" 2>&1 | FileCheck %s --check-prefix=OPTS
// OFF-COUNT-2: quantx.matmul
// CHIP: error: quantx-gpu-matmul-kernels: unsupported chip 'sm_100'; expected sm_70 to sm_90a
// OPTS: error: quantx-gpu-matmul-kernels: warps must be in [1, 32]

func.func @w8a8(%a: tensor<32x64xi8>, %w: tensor<16x64xi8>) -> tensor<32x16xi32> {
  // expected-error @+1 {{'quantx.matmul' op int8 tensor-core matmul needs sm_80 or newer, the target is sm_75; compile with tensor-cores=false for CUDA-core code}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) : (tensor<32x64xi8>, tensor<16x64xi8>) -> tensor<32x16xi32>
  return %0 : tensor<32x16xi32>
}

// -----

func.func @fp8(%a: tensor<4x32xf8E4M3FN>, %w: tensor<8x32xf8E4M3FN>, %s: tensor<f32>, %as: tensor<f32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'quantx.matmul' op FP8 tensor-core matmul needs sm_89 or newer, the target is sm_75; compile with tensor-cores=false for CUDA-core code}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) input(#quantx.scheme<f8E4M3FN> scale %as) : (tensor<4x32xf8E4M3FN>, tensor<8x32xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
