// RUN: rm -rf %t && %python %S/Inputs/awq_params.py %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/awq-out.safetensors scheme=w4a16 group-size=4 algorithm=awq stats=%t/awq-stats.json progress=1" -o %t/awq.mlir 2> %t/log.txt
// RUN: FileCheck %s --check-prefix=LOG < %t/log.txt
// RUN: FileCheck %s < %t/awq.mlir
// RUN: quant-params %t/awq-out.safetensors | FileCheck %s --check-prefix=FILE
// RUN: %python %S/Inputs/check_awq.py %t/awq.safetensors %t/awq-out.safetensors | FileCheck %s --check-prefix=FOLD

// AWQ scales the input channels of wq and wk, which read the output of the
// norm with gain g, by one vector, and divides it out of g; wo's input is a
// sum of matmuls, so it only gets AWQ's clipping.
// LOG: AWQ g: alpha {{0\.[1-9][0-9]|0\.0[1-9]|1\.00}}, output error x0.{{[0-9]+}} of RTN (q, k)
// LOG: remark: {{.*}}'o' not scaled by AWQ: its input is neither a normalization with a gain parameter nor a product with a linear layer's output
// LOG: [1/3] wq 4x8 -> w4a16 (AWQ scales and clipping)
// LOG: [2/3] wk 4x8 -> w4a16 (AWQ scales and clipping)
// LOG: [3/3] wo 8x4 -> w4a16 (AWQ clipping)

// The gain keeps its name and type: the new values are in the output file.
// CHECK-DAG: ml_program.global private @g({{.*}}) : tensor<8xbf16>
// CHECK-LABEL: func.func @f
// CHECK: ml_program.global_load_const @g : tensor<8xbf16>
// CHECK: linalg.generic
// CHECK-COUNT-3: quantx.matmul

// FILE: g BF16 [8] 16
// FILE: metadata wq = {{.*}}"input_scaling":"AWQ: input channels multiplied by per-channel scales, divided out of 'g'"
// FILE-NOT: metadata wo = {{.*}}input_scaling

// The stored gain times the dequantized weight equals the original gain
// times the original weight, up to the weight's rounding: the transform
// itself is exact.
// FOLD: gain changed: yes
// FOLD: wq: max |g' Wq' - g W| / max |g W| = {{0\.0[0-9]+}}
// FOLD: wk: max |g' Wq' - g W| / max |g W| = {{0\.0[0-9]+}}

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(t, c) -> (t, c)>
#ch = affine_map<(t, c) -> (c)>
module {
  ml_program.global private @g(#ml_program.extern : tensor<8xbf16>) : tensor<8xbf16>
  ml_program.global private @wq(#ml_program.extern : tensor<4x8xf32>) : tensor<4x8xf32>
  ml_program.global private @wk(#ml_program.extern : tensor<4x8xf32>) : tensor<4x8xf32>
  ml_program.global private @wo(#ml_program.extern : tensor<8x4xf32>) : tensor<8x4xf32>
  func.func @f(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
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
    %q = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%n, %wq : tensor<2x8xf32>, tensor<4x8xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32> loc("q")
    %wk = ml_program.global_load_const @wk : tensor<4x8xf32>
    %k = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%n, %wk : tensor<2x8xf32>, tensor<4x8xf32>) outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32> loc("k")
    %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%q, %k : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e4 : tensor<2x4xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %r = arith.addf %a, %b : f32
      linalg.yield %r : f32
    } -> tensor<2x4xf32>
    %f8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<2x8xf32>) -> tensor<2x8xf32>
    %wo = ml_program.global_load_const @wo : tensor<8x4xf32>
    %o = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%s, %wo : tensor<2x4xf32>, tensor<8x4xf32>) outs(%f8 : tensor<2x8xf32>) -> tensor<2x8xf32> loc("o")
    return %o : tensor<2x8xf32>
  }
}
