// RUN: rm -rf %t && %python %S/../Params/Inputs/make_files.py %t
// RUN: quant-opt %s --split-input-file -verify-diagnostics --quantx-quantize-parameters="params=%t/good.safetensors output=%t/q.safetensors scheme=w4a16 group-size=3"
// Failed runs leave no output file, finished or temporary.
// RUN: not ls %t/q.safetensors*

// Without an output file, a model with parameter globals is an error.
// RUN: not quant-opt %s --split-input-file --quantx-quantize-parameters="params=%t/good.safetensors" 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: error: the model's weights are in a parameter file: give the input (params=FILE, or the module's quantx.parameters attribute) and output=FILE

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  func.func @f(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    // expected-error-re @+1 {{{{.*}}: group size 3 (from the default scheme) does not divide the reduction dimension of size 4}}
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @missing(#ml_program.extern : tensor<2x6xf32>) : tensor<2x6xf32>
  func.func @f(%x: tensor<1x6xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @missing : tensor<2x6xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    // expected-error-re @+1 {{{{.*}}good.safetensors: tensor 'missing': not in the parameter file}}
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x6xf32>, tensor<2x6xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x6xbf16>) : tensor<2x6xbf16>
  func.func @f(%x: tensor<1x6xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @w : tensor<2x6xbf16>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    // expected-error-re @+1 {{{{.*}}good.safetensors: tensor 'w': is F32 [2,4] but the model expects BF16 [2,6]}}
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x6xf32>, tensor<2x6xbf16>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
