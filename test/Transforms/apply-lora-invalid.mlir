// RUN: rm -rf %t && %python %S/Inputs/lora_adapter.py %t
// RUN: not quant-opt %s --quantx-apply-lora 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: give the adapter directory: adapter=DIR (adapter_config.json and adapter_model.safetensors)
// RUN: not quant-opt %s --quantx-apply-lora="adapter=%t/none" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}none/adapter_config.json: No such file or directory
// RUN: not quant-opt %s --quantx-apply-lora="adapter=%t/unmatched" 2>&1 | FileCheck %s --check-prefix=UNMATCHED
// UNMATCHED: error: {{.*}}unmatched: adapter layer 'other' matches no matmul whose weight is the parameter 'other.weight'
// RUN: not quant-opt %s --quantx-apply-lora="adapter=%t/only-a" 2>&1 | FileCheck %s --check-prefix=ONLYA
// ONLYA: error: {{.*}}adapter_model.safetensors: layer 'lin' has only its lora_A matrix
// RUN: not quant-opt %s --quantx-apply-lora="adapter=%t/bias" 2>&1 | FileCheck %s --check-prefix=BIAS
// BIAS: error: {{.*}}adapter_config.json: LoRA bias 'all' is not supported (only "none")
// RUN: quant-opt %s --quantx-apply-lora="adapter=%t/shape" -verify-diagnostics -o /dev/null
// Merging needs the weight quantized from the parameter file.
// RUN: not quant-opt %s --quantx-ptq="scheme=float params=%t/base.safetensors params-out=%t/m.safetensors lora=%t/good lora-merge=true" 2>&1 | FileCheck %s --check-prefix=MERGE
// MERGE: error: 'lin.weight' has a LoRA adapter but is not quantized from the parameter file, so the adapter cannot be merged into it

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @"lin.weight"(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @"lin.weight" : tensor<2x4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    // expected-error-re @+1 {{{{.*}}shape: adapter of 'lin' is 2 x 1 (B) by 1 x 3 (A), but the layer maps 4 to 2 features}}
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
