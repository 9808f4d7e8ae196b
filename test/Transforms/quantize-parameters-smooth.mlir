// RUN: rm -rf %t && %python %S/Inputs/awq_params.py %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/awq.safetensors output=%t/sq.safetensors scheme=w8a8 algorithm=smoothquant alpha=0.5 stats=%t/awq-stats.json progress=1" -o %t/sq.mlir 2> %t/log.txt
// RUN: FileCheck %s --check-prefix=LOG < %t/log.txt
// RUN: FileCheck %s < %t/sq.mlir
// RUN: %python %S/Inputs/check_smooth.py %t/awq.safetensors %t/sq.safetensors %t/awq-stats.json 0.5 | FileCheck %s --check-prefix=FOLD

// SmoothQuant on weights in a parameter file: wq and wk read the output of
// the norm with gain g, so one vector s_j = max|x_j|^a / max|w_:,j|^(1-a)
// (max over both weights) is divided out of g and multiplied into their
// input channels; the matmuls carry s for the static activation scale
// (range / s). wo's input is a sum of matmuls: not smoothed.
// LOG: SmoothQuant g: alpha 0.50 (q, k)
// LOG: remark: {{.*}}'o' not scaled by SmoothQuant: its input is neither a normalization with a gain parameter nor a product with a linear layer's output
// LOG: [1/3] wq 4x8 -> w8a8
// LOG: [3/3] wo 8x4 -> w8a8

// CHECK: quantx.dequantize %wq.qweight
// CHECK: linalg.matmul {{.*}} {quantx.smooth = dense<[{{.*}}]> : tensor<8xf32>}
// CHECK: quantx.dequantize %wk.qweight
// CHECK: linalg.matmul {{.*}} {quantx.smooth = dense<[{{.*}}]> : tensor<8xf32>}
// CHECK: quantx.dequantize %wo.qweight
// CHECK-NOT: quantx.smooth

// Independently (numpy): the stored gain is bf16(g / s) for SmoothQuant's
// s, and the int8 codes times their scales are the weights times g / g'.
// FOLD: gain: bf16(g / s) for every channel
// FOLD: wq: max |deq(W') - W g/g'| / max |W g/g'| = {{0\.00[0-9]+}}
// FOLD: wk: max |deq(W') - W g/g'| / max |W g/g'| = {{0\.00[0-9]+}}

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
