// RUN: rm -rf %t && %python %S/../Params/Inputs/make_files.py %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/good.safetensors output=%t/q.safetensors scheme=w8a8" 2>&1 | FileCheck %s

// A K x N weight stays in float, with a remark, for the rest of
// --quantx-ptq (which quantizes it at run time).
// CHECK: remark: {{.*}}'kn.matmul.0' not quantized from the parameter file: weights of schemes that quantize activations are read from a parameter file for linalg.matmul with the weight in the Linear (N x K) layout
// CHECK-LABEL: func.func @kn
// CHECK: ml_program.global_load_const @w : tensor<2x4xf32>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  func.func @kn(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x4xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x2xf32>, tensor<2x4xf32>) outs(%f : tensor<1x4xf32>) -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
