// RUN: quant-opt %s -split-input-file --quantx-form-quantized-matmul | FileCheck %s

// linalg.quantized_matmul (K x N weight, scalar zero points) becomes the
// raw-accumulator quantx.matmul; a constant weight is transposed to N x K
// at compile time.
// CHECK-LABEL: func @raw
//   CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[}}127, -128, 3, 4], [1, 1, 1, 1], [-7, 0, 9, 2]]> : tensor<3x4xi8>
//   CHECK-DAG:   %[[ZW:.*]] = arith.constant dense<5> : tensor<i8>
//   CHECK-DAG:   %[[ZA:.*]] = arith.constant dense<-2> : tensor<i8>
//       CHECK:   quantx.matmul %arg0, %[[W]] weight(#quantx.scheme<i8> zero_point %[[ZW]]) input(#quantx.scheme<i8> zero_point %[[ZA]]) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
//   CHECK-NOT:   linalg.quantized_matmul
func.func @raw(%a: tensor<2x4xi8>) -> tensor<2x3xi32> {
  %b = arith.constant dense<[[127, 1, -7], [-128, 1, 0], [3, 1, 9], [4, 1, 2]]> : tensor<4x3xi8>
  %za = arith.constant -2 : i32
  %zb = arith.constant 5 : i32
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x3xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x3xi32>) -> tensor<2x3xi32>
  %r = linalg.quantized_matmul ins(%a, %b, %za, %zb : tensor<2x4xi8>, tensor<4x3xi8>, i32, i32) outs(%f : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// A weight argument is transposed in IR; zero points of 0 are dropped; a
// per-column f32 rescale of the accumulator becomes the weight scale.
// CHECK-LABEL: func @rescaled
//       CHECK:   %[[T:.*]] = linalg.transpose ins(%arg1 : tensor<4x3xi8>)
//       CHECK:   %[[MM:.*]] = quantx.matmul %arg0, %[[T]] weight(#quantx.scheme<i8, axis = 0> scale %arg2) input(#quantx.scheme<i8> scale %{{.*}}) : (tensor<?x4xi8>, tensor<3x4xi8>, tensor<3xf32>, tensor<f32>) -> tensor<?x3xf32>
//       CHECK:   return %[[MM]]
func.func @rescaled(%a: tensor<?x4xi8>, %b: tensor<4x3xi8>, %s: tensor<3xf32>) -> tensor<?x3xf32> {
  %z = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x4xi8>
  %e = tensor.empty(%m) : tensor<?x3xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<?x3xi32>) -> tensor<?x3xi32>
  %r = linalg.quantized_matmul ins(%a, %b, %z, %z : tensor<?x4xi8>, tensor<4x3xi8>, i32, i32) outs(%f : tensor<?x3xi32>) -> tensor<?x3xi32>
  %e2 = tensor.empty(%m) : tensor<?x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r, %s : tensor<?x3xi32>, tensor<3xf32>) outs(%e2 : tensor<?x3xf32>) {
  ^bb0(%in: i32, %sc: f32, %out: f32):
    %c = arith.sitofp %in : i32 to f32
    %v = arith.mulf %sc, %c : f32
    linalg.yield %v : f32
  } -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Zero points the kernel cannot take (run-time values, 300 outside the
// i8 range) are applied around a matmul without them:
//   sum (a - za)(b - zb) = sum a b - zb rowsum(a) - za colsum(b) + K za zb
// (terms of a zero point of 0 left out); an accumulator that is not
// zero-filled is added after the matmul.
// CHECK-LABEL: func @epilogues
//   CHECK-NOT:   linalg.quantized_matmul
//       CHECK:   %[[MM0:.*]] = quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) : (tensor<2x4xi8>, tensor<3x4xi8>) -> tensor<2x3xi32>
//       CHECK:   %[[ROWS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<2x4xi8>) outs(%{{.*}} : tensor<2xi32>)
//       CHECK:     arith.extsi %{{.*}} : i8 to i32
//       CHECK:   %[[COLS:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%arg1 : tensor<4x3xi8>) outs(%{{.*}} : tensor<3xi32>)
//       CHECK:   %[[KZ:.*]] = arith.muli %arg2, %{{.*}} : i32
//       CHECK:   %[[KZZ:.*]] = arith.muli %[[KZ]], %arg3 : i32
//       CHECK:   linalg.generic {{.*}} ins(%[[MM0]], %[[ROWS]], %[[COLS]] : tensor<2x3xi32>, tensor<2xi32>, tensor<3xi32>)
//       CHECK:     arith.muli %arg3
//       CHECK:     arith.subi
//       CHECK:     arith.muli %arg2
//       CHECK:     arith.subi
//       CHECK:     arith.addi %{{.*}}, %[[KZZ]] : i32
//       CHECK:   %[[MM1:.*]] = quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>)
//       CHECK:   %[[COLS1:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<4x3xi8>)
//       CHECK:   linalg.generic {{.*}} ins(%[[MM1]], %[[COLS1]] : tensor<2x3xi32>, tensor<3xi32>)
//       CHECK:     arith.muli %{{.*}}, %c300_i32
//       CHECK:     arith.subi
//       CHECK:   %[[MM2:.*]] = quantx.matmul %arg0, %{{.*}} weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>)
//       CHECK:   linalg.generic {{.*}} ins(%[[MM2]], %arg4 : tensor<2x3xi32>, tensor<2x3xi32>)
//       CHECK:     arith.addi
func.func @epilogues(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %za: i32, %zb: i32, %acc: tensor<2x3xi32>) -> (tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x3xi32>) {
  %z = arith.constant 0 : i32
  %big = arith.constant 300 : i32
  %e = tensor.empty() : tensor<2x3xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<2x3xi32>) -> tensor<2x3xi32>
  %0 = linalg.quantized_matmul ins(%a, %b, %za, %zb : tensor<2x4xi8>, tensor<4x3xi8>, i32, i32) outs(%f : tensor<2x3xi32>) -> tensor<2x3xi32>
  %1 = linalg.quantized_matmul ins(%a, %b, %big, %z : tensor<2x4xi8>, tensor<4x3xi8>, i32, i32) outs(%f : tensor<2x3xi32>) -> tensor<2x3xi32>
  %2 = linalg.quantized_matmul ins(%a, %b, %z, %z : tensor<2x4xi8>, tensor<4x3xi8>, i32, i32) outs(%acc : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0, %1, %2 : tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x3xi32>
}

// -----

// linalg.quantized_batch_matmul: a loop over the batch of 2-D integer
// matmuls on slices (a zero-filled accumulator stays a fill per slice).
// CHECK-LABEL: func @batch
//       CHECK:   scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x2x3xi32>)
//   CHECK-DAG:     %[[A:.*]] = tensor.extract_slice %arg0[%[[I]], 0, 0] [1, 2, 4] [1, 1, 1] : tensor<?x2x4xi8> to tensor<2x4xi8>
//   CHECK-DAG:     %[[B:.*]] = tensor.extract_slice %arg1[%[[I]], 0, 0] [1, 4, 3] [1, 1, 1] : tensor<?x4x3xi8> to tensor<4x3xi8>
//       CHECK:     %[[MM:.*]] = quantx.matmul %[[A]], %{{.*}} weight(#quantx.scheme<i8> zero_point %{{.*}}) input(#quantx.scheme<i8>) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<i8>) -> tensor<2x3xi32>
//       CHECK:     tensor.insert_slice %[[MM]] into %[[ACC]][%[[I]], 0, 0] [1, 2, 3] [1, 1, 1]
//   CHECK-NOT:   linalg.quantized_batch_matmul
func.func @batch(%a: tensor<?x2x4xi8>, %b: tensor<?x4x3xi8>) -> tensor<?x2x3xi32> {
  %z = arith.constant 0 : i32
  %zb = arith.constant 4 : i32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x2x4xi8>
  %e = tensor.empty(%n) : tensor<?x2x3xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<?x2x3xi32>) -> tensor<?x2x3xi32>
  %r = linalg.quantized_batch_matmul ins(%a, %b, %z, %zb : tensor<?x2x4xi8>, tensor<?x4x3xi8>, i32, i32) outs(%f : tensor<?x2x3xi32>) -> tensor<?x2x3xi32>
  return %r : tensor<?x2x3xi32>
}
