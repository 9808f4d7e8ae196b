// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// A plain float model with no quantx ops (linalg.matmul on tensors, a
// linalg.generic bias add, ReLU via arith.maximumf) compiled by the same
// --quantx-cpu-pipeline: the pipeline must also serve as the float
// baseline that quantized models are compared with. Two layers:
//   h = relu(x @ W1 + b1),  y = h @ W2 + b2
// with a static-shape version and a dynamic-batch version. All values are
// small integers and halves/quarters, so every result is exact; expected
// values were derived by hand (below) and never copied from compiler output.
//
//   W1 (3x4) = [[1, 0, -1, 2], [0, 1, 1, -1], [1, -2, 0, 1]], b1 = [0.5, 1, -1, 0]
//   W2 (4x2) = [[1, -1], [2, 0], [0, 3], [-1, 1]],            b2 = [0.25, -0.5]

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

#map_mat = affine_map<(d0, d1) -> (d0, d1)>
#map_row = affine_map<(d0, d1) -> (d1)>

func.func @mlp_static(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, -1.0], [1.0, -2.0, 0.0, 1.0]]> : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.5, 1.0, -1.0, 0.0]> : tensor<4xf32>
  %w2 = arith.constant dense<[[1.0, -1.0], [2.0, 0.0], [0.0, 3.0], [-1.0, 1.0]]> : tensor<4x2xf32>
  %b2 = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32

  %e1 = tensor.empty() : tensor<2x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.generic {indexing_maps = [#map_mat, #map_row, #map_mat],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<2x4xf32>, tensor<4xf32>) outs(%e1 : tensor<2x4xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>

  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m2 = linalg.matmul ins(%h, %w2 : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.generic {indexing_maps = [#map_mat, #map_row, #map_mat],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<2x2xf32>, tensor<2xf32>) outs(%e2 : tensor<2x2xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

func.func @mlp_dynamic(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0, -1.0, 2.0], [0.0, 1.0, 1.0, -1.0], [1.0, -2.0, 0.0, 1.0]]> : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.5, 1.0, -1.0, 0.0]> : tensor<4xf32>
  %w2 = arith.constant dense<[[1.0, -1.0], [2.0, 0.0], [0.0, 3.0], [-1.0, 1.0]]> : tensor<4x2xf32>
  %b2 = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %batch = tensor.dim %x, %c0 : tensor<?x3xf32>

  %e1 = tensor.empty(%batch) : tensor<?x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<?x3xf32>, tensor<3x4xf32>) outs(%f1 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %h = linalg.generic {indexing_maps = [#map_mat, #map_row, #map_mat],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<?x4xf32>, tensor<4xf32>) outs(%e1 : tensor<?x4xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>

  %e2 = tensor.empty(%batch) : tensor<?x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m2 = linalg.matmul ins(%h, %w2 : tensor<?x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.generic {indexing_maps = [#map_mat, #map_row, #map_mat],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<?x2xf32>, tensor<2xf32>) outs(%e2 : tensor<?x2xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

func.func @main() {
  // --- static, batch 2 -----------------------------------------------------
  // x row 0 = [1, 2, 3]:  x @ W1 = [4, -4, 1, 3], + b1 = [4.5, -3, 0, 3], relu = [4.5, 0, 0, 3]
  //   y = [4.5 - 3 + 0.25, -4.5 + 3 - 0.5] = [1.75, -2]
  // x row 1 = [2, -1, 1]: x @ W1 = [3, -3, -3, 6], + b1 = [3.5, -2, -4, 6], relu = [3.5, 0, 0, 6]
  //   y = [3.5 - 6 + 0.25, -3.5 + 6 - 0.5] = [-2.25, 2]
  %x0 = arith.constant dense<[[1.0, 2.0, 3.0], [2.0, -1.0, 1.0]]> : tensor<2x3xf32>
  %y0 = call @mlp_static(%x0) : (tensor<2x3xf32>) -> tensor<2x2xf32>
  %p0 = tensor.cast %y0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: Unranked Memref {{.*}} sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[1.75,   -2],
  // CHECK-NEXT: [-2.25,   2]]

  // --- dynamic, batch 1 ----------------------------------------------------
  // x = [0.5, 0.5, 0.5]: x @ W1 = [1, -0.5, 0, 1], + b1 = [1.5, 0.5, -1, 1], relu = [1.5, 0.5, 0, 1]
  //   y = [1.5 + 1 - 1 + 0.25, -1.5 + 1 - 0.5] = [1.75, -1]
  %x1 = arith.constant dense<[[0.5, 0.5, 0.5]]> : tensor<1x3xf32>
  %d1 = tensor.cast %x1 : tensor<1x3xf32> to tensor<?x3xf32>
  %y1 = call @mlp_dynamic(%d1) : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %p1 = tensor.cast %y1 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[1.75,   -1]]

  // --- dynamic, batch 3 (rows 0 and 1 as in the static case) ---------------
  // x row 2 = [-3, -2, -1]: x @ W1 = [-4, 0, 1, -5], + b1 = [-3.5, 1, 0, -5], relu = [0, 1, 0, 0]
  //   y = [2 + 0.25, 0 - 0.5] = [2.25, -0.5]
  %x2 = arith.constant dense<[[1.0, 2.0, 3.0], [2.0, -1.0, 1.0], [-3.0, -2.0, -1.0]]> : tensor<3x3xf32>
  %d2 = tensor.cast %x2 : tensor<3x3xf32> to tensor<?x3xf32>
  %y2 = call @mlp_dynamic(%d2) : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %p2 = tensor.cast %y2 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[1.75,   -2],
  // CHECK-NEXT: [-2.25,   2],
  // CHECK-NEXT: [2.25,   -0.5]]
  return
}
