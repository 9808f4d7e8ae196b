// RUN: quant-opt %s -split-input-file --quantx-contiguous-inner-loops | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-contiguous-inner-loops="reassociate-reductions=false" | FileCheck %s --check-prefix=STRICT
// The pass has nothing to diagnose: ops it does not improve stay as they are.
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-contiguous-inner-loops -o /dev/null
// Parallel loops after a reduction loop become sequential (no nested forks).
// RUN: quant-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(quantx-contiguous-inner-loops,quantx-linalg-to-loops-by-size{min-iterations=1}))" | FileCheck %s --check-prefix=LOOPS

// Attention's probabilities x V with the positions (s) innermost read V
// 4096 floats apart; with the head dimension (e) innermost V and the
// output are contiguous. The sum over s keeps its order for every output
// element; its addf may reassociate.
// CHECK-DAG: #[[$P:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1, d3)>
// CHECK-DAG: #[[$O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @attention_values
//       CHECK:   linalg.generic {indexing_maps = [#[[$P]], #[[$V]], #[[$O]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
//       CHECK:     arith.mulf %{{.*}}, %{{.*}} : f32
//       CHECK:     arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// STRICT-LABEL: func.func @attention_values
//       STRICT:   iterator_types = ["parallel", "parallel", "reduction", "parallel"]
//   STRICT-NOT:   fastmath
// LOOPS-LABEL: func.func @attention_values
//       LOOPS:   scf.parallel
//       LOOPS:     scf.for
//       LOOPS:       scf.for
//   LOOPS-NOT:   scf.parallel
//       LOOPS:   return
func.func @attention_values(%p: memref<1x32x128xf32>, %v: memref<128x32x128xf32>, %o: memref<1x32x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(t, h, e, s) -> (t, h, s)>, affine_map<(t, h, e, s) -> (s, h, e)>, affine_map<(t, h, e, s) -> (t, h, e)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<1x32x128xf32>, memref<128x32x128xf32>) outs(%o : memref<1x32x128xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Scores q . K: the reduction over e is innermost and contiguous in both
// inputs; the order stays, the sum may reassociate. The maximum of a
// softmax too; the integer sum needs no flag.
// CHECK-LABEL: func.func @scores_and_max
//       CHECK:   iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//       CHECK:     arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.maximumf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.addi %{{.*}}, %{{.*}} : i32
// A 16-bit accumulator rounds at every step: its sum stays sequential.
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.addf %{{.*}}, %{{.*}} : f16
func.func @scores_and_max(%q: memref<1x32x128xf32>, %k: memref<128x32x128xf32>, %s: memref<1x32x128xf32>,
                          %x: memref<32x128xf32>, %m: memref<32xf32>, %i: memref<32x128xi32>, %n: memref<32xi32>,
                          %h: memref<32x128xf16>, %hs: memref<32xf16>) {
  linalg.generic {indexing_maps = [affine_map<(t, h, s, e) -> (t, h, e)>, affine_map<(t, h, s, e) -> (s, h, e)>, affine_map<(t, h, s, e) -> (t, h, s)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<1x32x128xf32>, memref<128x32x128xf32>) outs(%s : memref<1x32x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(h, s) -> (h, s)>, affine_map<(h, s) -> (h)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<32x128xf32>) outs(%m : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.maximumf %acc, %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(h, s) -> (h, s)>, affine_map<(h, s) -> (h)>], iterator_types = ["parallel", "reduction"]}
      ins(%i : memref<32x128xi32>) outs(%n : memref<32xi32>) {
  ^bb0(%a: i32, %acc: i32):
    %r = arith.addi %acc, %a : i32
    linalg.yield %r : i32
  }
  linalg.generic {indexing_maps = [affine_map<(h, s) -> (h, s)>, affine_map<(h, s) -> (h)>], iterator_types = ["parallel", "reduction"]}
      ins(%h : memref<32x128xf16>) outs(%hs : memref<32xf16>) {
  ^bb0(%a: f16, %acc: f16):
    %r = arith.addf %acc, %a : f16
    linalg.yield %r : f16
  }
  return
}

// -----

// A named matmul with K x N weights (i, j, k) becomes a generic in the
// order (i, k, j): the weights' rows and the output's rows are walked
// contiguously.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul_kn
//       CHECK:   linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "reduction", "parallel"]}
//   CHECK-NOT:   linalg.matmul
func.func @matmul_kn(%a: memref<16x64xf32>, %b: memref<64x32xf32>, %c: memref<16x32xf32>) {
  linalg.matmul ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%c : memref<16x32xf32>)
  return
}

// -----

// Left alone: the best loop is already innermost (a transpose: as many
// contiguous operands either way), a better loop is too short to be worth
// it (4 iterations), a reduction loop would move past another reduction
// loop (the order of the sums would change), ops on tensors, and the
// functions of the matmul kernels.
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @left_alone
//       CHECK:   linalg.transpose
//       CHECK:   linalg.generic {indexing_maps = [#[[$T]], #[[$T]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
//       CHECK:   linalg.generic {indexing_maps = [#[[$T]], #{{.*}}], iterator_types = ["reduction", "reduction"]}
//       CHECK:   linalg.generic {indexing_maps = [#[[$T]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%{{.*}} : tensor<64x32xf32>)
#t = affine_map<(i, j) -> (j, i)>
#id = affine_map<(i, j) -> (i, j)>
func.func @left_alone(%a: memref<64x32xf32>, %b: memref<32x64xf32>, %c: memref<4x64xf32>, %d: memref<64x4xf32>,
                      %r: memref<f32>, %t: tensor<64x32xf32>) -> tensor<32x64xf32> {
  linalg.transpose ins(%a : memref<64x32xf32>) outs(%b : memref<32x64xf32>) permutation = [1, 0]
  linalg.generic {indexing_maps = [#t, #t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d, %d : memref<64x4xf32>, memref<64x4xf32>) outs(%c : memref<4x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#t, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%a : memref<64x32xf32>) outs(%r : memref<f32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  %e = tensor.empty() : tensor<32x64xf32>
  %u = linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<32x64xf32>
  return %u : tensor<32x64xf32>
}

// CHECK-LABEL: func.func @kernel
//       CHECK:   linalg.matmul
//   CHECK-NOT:   fastmath
func.func @kernel(%a: memref<16x64xf32>, %b: memref<64x32xf32>, %c: memref<16x32xf32>) attributes {quantx.kernel = {}} {
  linalg.matmul ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%c : memref<16x32xf32>)
  return
}

// -----

// Views with dynamic strides (the arguments of outlined functions) count
// as contiguous in their last dimension.
// CHECK-LABEL: func.func @dynamic_strides
//       CHECK:   iterator_types = ["parallel", "reduction", "parallel"]
func.func @dynamic_strides(%p: memref<32x128xf32>, %v: memref<128x32x128xf32, strided<[?, ?, ?], offset: ?>>, %o: memref<32x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(h, e, s) -> (h, s)>, affine_map<(h, e, s) -> (s, h, e)>, affine_map<(h, e, s) -> (h, e)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<32x128xf32>, memref<128x32x128xf32, strided<[?, ?, ?], offset: ?>>) outs(%o : memref<32x128xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Parallel loops between and after reduction loops all run sequentially
// inside the outermost parallel loop.
// LOOPS-LABEL: func.func @interleaved
//       LOOPS:   scf.parallel
//   LOOPS-NOT:   scf.parallel
//       LOOPS:   return
func.func @interleaved(%a: memref<4x8x16x8x32xf32>, %o: memref<4x16x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, r, j, s, k) -> (i, r, j, s, k)>, affine_map<(i, r, j, s, k) -> (i, j, k)>], iterator_types = ["parallel", "reduction", "parallel", "reduction", "parallel"]}
      ins(%a : memref<4x8x16x8x32xf32>) outs(%o : memref<4x16x32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %acc, %x : f32
    linalg.yield %r : f32
  }
  return
}
