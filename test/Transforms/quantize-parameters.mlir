// RUN: rm -rf %t && %python %S/../Params/Inputs/make_files.py %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/good.safetensors output=%t/q.safetensors scheme=w4a16 group-size=2" -o %t/q.mlir
// RUN: FileCheck %s < %t/q.mlir
// RUN: quant-params %t/q.safetensors | FileCheck %s --check-prefix=FILE
// RUN: %python %S/../Params/Inputs/write_ones.py %t/x.npy 4
// RUN: quant-run %t/q.mlir -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC

// W (2 x 4) in groups of 2 along K, int4: s = max|w| / 7 per group,
// q = round_half_even(w / s) with the division in f32 (ONNX QuantizeLinear):
//   row 0: [0.5, -1] s = f32(1/7) = 0.14285715, 0.5 / s = 3.4999998 -> [3, -7];
//          [2, 0.25] s = 2/7 -> [7, 1]
//   row 1: [1.5, -0.75] s = 1.5/7 -> [7, -4];  [3, -2.5] s = 3/7 -> [7, -6]
// y = x W'^T + b for x = [1, 2, 3, 4], b = [0.125, -0.5]:
//   y0 = 3/7 - 2 + 6 + 8/7 + 0.125 = 5.69643,  y1 = 1.5 - 12/7 + 9 - 72/7 - 0.5 = -2

// CHECK: module attributes {quantx.parameters = "{{.*}}q.safetensors"}
// CHECK-DAG: ml_program.global private @bias(#{{.*}}) : tensor<2xf32> {quantx.parameter = "b"}
// CHECK-DAG: ml_program.global private @w.qweight(#{{.*}}) : tensor<2x2xi8>
// CHECK-DAG: ml_program.global private @w.scales(#{{.*}}) : tensor<2x2xf32>
// CHECK-NOT: @w(
// CHECK-LABEL: func.func @linear
// CHECK: %[[Q:.*]] = ml_program.global_load_const @w.qweight : tensor<2x2xi8>
// CHECK: %[[S:.*]] = ml_program.global_load_const @w.scales : tensor<2x2xf32>
// CHECK: quantx.matmul %{{.*}}, %[[Q]] weight(#quantx.scheme<i4, axis = 1, group = 2> scale %[[S]]) : (tensor<1x4xf32>, tensor<2x2xi8>, tensor<2x2xf32>) -> tensor<1x2xf32>

// FILE: b F32 [2] 8
// FILE-NEXT: w.qweight U8 [2, 2] 4
// FILE-NEXT: w.scales F32 [2, 2] 16
// FILE: metadata format = quantx
// FILE-NEXT: metadata w = {"code_dtype":"U8","group_size":2,{{.*}}"scheme":"w4a16","source":"w","storage":"i4"}

// EXEC: result 0: <f4 (1, 2)
// EXEC-NEXT: [5.69643, -2]
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  ml_program.global private @bias(#ml_program.extern : tensor<2xf32>) : tensor<2xf32> {quantx.parameter = "b"}
  func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    %b = ml_program.global_load_const @bias : tensor<2xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
    } -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}
