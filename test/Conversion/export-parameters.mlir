// RUN: rm -rf %t && mkdir -p %t
// RUN: quant-opt %s --quantx-export-parameters="output=%t/p.safetensors minimum-elements=4" -o %t/exported.mlir
// RUN: FileCheck %s < %t/exported.mlir
// RUN: quant-params %t/p.safetensors | FileCheck %s --check-prefix=FILE
// RUN: %python %S/../Params/Inputs/write_ones.py %t/x.npy 4
// RUN: quant-run %s -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC
// RUN: quant-run %t/exported.mlir -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC

// Constants of at least 4 elements move to the file: the weight (named
// after its matmul), the dense_resource one (its key); the 2-element bias
// and the splat stay inline. The model computes the same thing before and
// after (EXEC below).
// CHECK: module attributes {quantx.parameters = "{{.*}}p.safetensors"}
// CHECK-DAG: ml_program.global private @lin.weight(#{{.*}}) : tensor<2x4xf32>
// CHECK-DAG: ml_program.global private @scale_blob(#{{.*}}) : tensor<2x2xf32>
// CHECK-LABEL: func.func @f
// CHECK-DAG: ml_program.global_load_const @lin.weight : tensor<2x4xf32>
// CHECK-DAG: arith.constant dense<[1.250000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-DAG: ml_program.global_load_const @scale_blob : tensor<2x2xf32>
// CHECK-NOT: dense_resource

// FILE: lin.weight F32 [2, 4] 32
// FILE: scale_blob F32 [2, 2] 16
// FILE: tensors: 2,

// y0 = 0.5 - 2 + 6 + 1 + 0.125 = 5.625, y1 = 1.5 - 1.5 + 9 - 10 - 0.5 = -1.5;
// then y S with S = [[2, 0], [0, 1]]: [11.25, -1.5].
// EXEC: [11.25, -1.5]

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>
module {
  func.func @f(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = arith.constant dense<[[0.5, -1.0, 2.0, 0.25], [1.5, -0.75, 3.0, -2.5]]> : tensor<2x4xf32>
    %b = arith.constant dense<[0.125, -0.5]> : tensor<2xf32>
    %zeros = arith.constant dense<0.0> : tensor<1x2xf32>
    %s = arith.constant dense_resource<scale_blob> : tensor<2x2xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%zeros : tensor<1x2xf32>) -> tensor<1x2xf32> loc("lin")
    %e = tensor.empty() : tensor<1x2xf32>
    %yb = linalg.generic {indexing_maps = [#row, #col, #row], iterator_types = ["parallel", "parallel"]} ins(%y, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %r = arith.addf %a, %c : f32
      linalg.yield %r : f32
    } -> tensor<1x2xf32>
    %z = linalg.matmul ins(%yb, %s : tensor<1x2xf32>, tensor<2x2xf32>) outs(%zeros : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %z : tensor<1x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      scale_blob: "0x040000000000004000000000000000000000803F"
    }
  }
#-}
