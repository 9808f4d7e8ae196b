// RUN: quant-opt %s --quantx-unbatch-matmul --split-input-file | FileCheck %s

// A TOSA-style weight of batch 1 (tosa.matmul through
// --tosa-to-linalg-pipeline): one 2-D matmul on 4 x 8, the fill kept.
// CHECK-LABEL: func.func @batch_one
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8xf32>, %[[W:.*]]: tensor<1x8x6xf32>)
// CHECK-DAG: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<1x4x8xf32> into tensor<4x8xf32>
// CHECK-DAG: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2]] : tensor<1x8x6xf32> into tensor<8x6xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x6xf32>)
// CHECK: %[[Y:.*]] = linalg.matmul {quantx.source_op = "linalg.batch_matmul"} ins(%[[X2]], %[[W2]] : tensor<4x8xf32>, tensor<8x6xf32>) outs(%[[F]] : tensor<4x6xf32>)
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]] output_shape [1, 4, 6] : tensor<4x6xf32> into tensor<1x4x6xf32>
func.func @batch_one(%x: tensor<1x4x8xf32>, %w: tensor<1x8x6xf32>) -> tensor<1x4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6xf32>) -> tensor<1x4x6xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<1x4x8xf32>, tensor<1x8x6xf32>) outs(%acc : tensor<1x4x6xf32>) -> tensor<1x4x6xf32>
  return %y : tensor<1x4x6xf32>
}

// -----

// A 2-D N x K weight broadcast over a dynamic batch (the torch-mlir
// spelling), with transposed maps: the broadcast source is the weight.
// CHECK: #[[$NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @broadcast_nk
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xf32>, %[[W:.*]]: tensor<6x8xf32>
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x4x8xf32> into tensor<?x8xf32>
// CHECK: %[[ACC:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<?x4x6xf32> into tensor<?x6xf32>
// CHECK: %[[Y:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #[[$NK]], #{{.*}}] {quantx.source_op = "linalg.generic"} ins(%[[X2]], %[[W]] : tensor<?x8xf32>, tensor<6x8xf32>) outs(%[[ACC]] : tensor<?x6xf32>)
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]] output_shape [%{{.*}}, 4, 6] : tensor<?x6xf32> into tensor<?x4x6xf32>
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, n, k)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @broadcast_nk(%x: tensor<?x4x8xf32>, %w: tensor<6x8xf32>, %acc: tensor<?x4x6xf32>) -> tensor<?x4x6xf32> {
  %c0 = arith.constant 0 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x8xf32>
  %e = tensor.empty(%b) : tensor<?x6x8xf32>
  %wb = linalg.broadcast ins(%w : tensor<6x8xf32>) outs(%e : tensor<?x6x8xf32>) dimensions = [0]
  %y = linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %wb : tensor<?x4x8xf32>, tensor<?x6x8xf32>) outs(%acc : tensor<?x4x6xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x4x6xf32>
  return %y : tensor<?x4x6xf32>
}

// -----

// A different weight in each batch (attention, or a stacked weight): left
// alone.
// CHECK-LABEL: func.func @per_batch_weight
// CHECK: linalg.batch_matmul
// CHECK-NOT: linalg.matmul
func.func @per_batch_weight(%x: tensor<2x4x8xf32>, %w: tensor<2x8x6xf32>, %acc: tensor<2x4x6xf32>) -> tensor<2x4x6xf32> {
  %y = linalg.batch_matmul ins(%x, %w : tensor<2x4x8xf32>, tensor<2x8x6xf32>) outs(%acc : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  return %y : tensor<2x4x6xf32>
}

// -----

// Broadcast along another dimension: not batch-invariant, left alone.
// CHECK-LABEL: func.func @broadcast_other_dim
// CHECK: linalg.batch_matmul
func.func @broadcast_other_dim(%x: tensor<2x4x8xf32>, %w: tensor<2x6xf32>, %acc: tensor<2x4x6xf32>) -> tensor<2x4x6xf32> {
  %e = tensor.empty() : tensor<2x8x6xf32>
  %wb = linalg.broadcast ins(%w : tensor<2x6xf32>) outs(%e : tensor<2x8x6xf32>) dimensions = [1]
  %y = linalg.batch_matmul ins(%x, %wb : tensor<2x4x8xf32>, tensor<2x8x6xf32>) outs(%acc : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  return %y : tensor<2x4x6xf32>
}
