// RUN: rm -rf %t && %python %S/Inputs/lora_adapter.py %t
// RUN: quant-opt %s --quantx-apply-lora="adapter=%t/good" | FileCheck %s
// RUN: %python %S/../Params/Inputs/write_ones.py %t/x.npy 4
// RUN: quant-opt %s --quantx-apply-lora="adapter=%t/good" -o %t/lora.mlir
// RUN: quant-run %t/lora.mlir --params %t/base.safetensors -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC

// y = x W^T + s (x A^T) B^T with s = lora_alpha / r = 2, for x = [1, 2, 3, 4]:
//   x W^T = [0.5 - 2 + 6 + 1, 1.5 - 1.5 + 9 - 10] = [5.5, -1]
//   x A^T = 1 + 4 = 5; s * 5 * B^T = 10 * [0.5, -1] = [5, -10]
//   y = [10.5, -11]
// EXEC: [10.5, -11]

// The adapter is two f32 matmuls on constants (scale folded into A) and
// an add; they carry quantx.lora, which keeps them out of quantization.
// CHECK-LABEL: func.func @linear
// CHECK: %[[Y:.*]] = linalg.matmul {{.*}} ins(%[[X:.*]], %{{.*}} : tensor<1x4xf32>, tensor<2x4xf32>)
// CHECK-DAG: %[[A:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00]]> : tensor<1x4xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[}}5.000000e-01], [-1.000000e+00]]> : tensor<2x1xf32>
// CHECK: %[[T:.*]] = linalg.matmul {{.*}} {quantx.lora = "lin"} ins(%[[X]], %[[A]] : tensor<1x4xf32>, tensor<1x4xf32>)
// CHECK: %[[U:.*]] = linalg.matmul {{.*}} {quantx.lora = "lin"} ins(%[[T]], %[[B]] : tensor<1x1xf32>, tensor<2x1xf32>)
// CHECK: %[[S:.*]] = linalg.add ins(%[[Y]], %[[U]] : tensor<1x2xf32>, tensor<1x2xf32>)
// CHECK: return %[[S]]

// Quantization leaves the adapter matmuls in float: only the base layer
// becomes a weight-only quantx.matmul.
// RUN: quant-opt %s --quantx-ptq="scheme=w8a16 params=%t/base.safetensors params-out=%t/q.safetensors lora=%t/good" | FileCheck %s --check-prefix=QLORA
// QLORA-COUNT-1: quantx.matmul
// QLORA-COUNT-2: linalg.matmul {{.*}} {quantx.lora = "lin"}

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
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
