// RUN: rm -rf %t && %python %S/Inputs/awq_params.py %t
// RUN: quant-opt %s --split-input-file -verify-diagnostics --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/out.safetensors scheme=w4a16 group-size=4 algorithm=awq stats=%t/awq-stats.json"

// AWQ needs second moments, and a grid of at least one step.
// RUN: not quant-opt %s --split-input-file --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/x.safetensors algorithm=awq" 2>&1 | FileCheck %s --check-prefix=NOSTATS
// NOSTATS: error: AWQ needs calibration statistics with second moments: run quant-calibrate --second-moments and pass stats=FILE
// RUN: not quant-opt %s --split-input-file --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/x.safetensors algorithm=awq grid=0 stats=%t/awq-stats.json" 2>&1 | FileCheck %s --check-prefix=GRID
// GRID: error: grid must be at least 1, got 0
// RUN: not quant-opt %s --split-input-file --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/x.safetensors algorithm=smooth" 2>&1 | FileCheck %s --check-prefix=ALGO
// ALGO: error: unknown algorithm 'smooth' for parameter weights; expected rtn, gptq, awq or smoothquant

// The gain is also read by another op (its output is returned): dividing
// it would change that output, so nothing is scaled.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(t, c) -> (t, c)>
#ch = affine_map<(t, c) -> (c)>
module {
  ml_program.global private @g(#ml_program.extern : tensor<8xbf16>) : tensor<8xbf16>
  ml_program.global private @wq(#ml_program.extern : tensor<4x8xf32>) : tensor<4x8xf32>
  func.func @f(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x8xf32>) {
    %zero = arith.constant 0.0 : f32
    %g = ml_program.global_load_const @g : tensor<8xbf16>
    %e8 = tensor.empty() : tensor<2x8xf32>
    %n = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %g : tensor<2x8xf32>, tensor<8xbf16>) outs(%e8 : tensor<2x8xf32>) {
    ^bb0(%a: f32, %b: bf16, %o: f32):
      %bf = arith.extf %b : bf16 to f32
      %m = arith.mulf %a, %bf : f32
      linalg.yield %m : f32
    } -> tensor<2x8xf32>
    %e4 = tensor.empty() : tensor<2x4xf32>
    %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
    %wq = ml_program.global_load_const @wq : tensor<4x8xf32>
    // expected-remark @+1 {{'f.matmul.0' not scaled by AWQ: 'g', which its scales would be folded into, is also read by ops that are not weight-only matmuls quantized here}}
    %q = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%n, %wq : tensor<2x8xf32>, tensor<4x8xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
    return %q, %n : tensor<2x4xf32>, tensor<2x8xf32>
  }
}

// -----

// A weight read by another op from a different input cannot take the
// scales of one of them.
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(t, c) -> (t, c)>
#ch = affine_map<(t, c) -> (c)>
module {
  ml_program.global private @g(#ml_program.extern : tensor<8xbf16>) : tensor<8xbf16>
  ml_program.global private @wq(#ml_program.extern : tensor<4x8xf32>) : tensor<4x8xf32>
  func.func @f(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
    %zero = arith.constant 0.0 : f32
    %g = ml_program.global_load_const @g : tensor<8xbf16>
    %e8 = tensor.empty() : tensor<2x8xf32>
    %n = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x, %g : tensor<2x8xf32>, tensor<8xbf16>) outs(%e8 : tensor<2x8xf32>) {
    ^bb0(%a: f32, %b: bf16, %o: f32):
      %bf = arith.extf %b : bf16 to f32
      %m = arith.mulf %a, %bf : f32
      linalg.yield %m : f32
    } -> tensor<2x8xf32>
    %e4 = tensor.empty() : tensor<2x4xf32>
    %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
    %wq = ml_program.global_load_const @wq : tensor<4x8xf32>
    // expected-remark @+1 {{'f.matmul.0' not scaled by AWQ: 'f.matmul.1' reads the same weight from another input}}
    %q = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%n, %wq : tensor<2x8xf32>, tensor<4x8xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
    %q2 = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %wq : tensor<2x8xf32>, tensor<4x8xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
    return %q, %q2 : tensor<2x4xf32>, tensor<2x4xf32>
  }
}
