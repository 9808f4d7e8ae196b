// RUN: quant-opt %s -split-input-file --quantx-outline-structured-ops="min-ops=0" | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-outline-structured-ops="min-ops=3" | FileCheck %s --check-prefix=FEW
// RUN: quant-opt %s -split-input-file --quantx-outline-structured-ops | FileCheck %s --check-prefix=DEFAULT
// The pass has nothing to diagnose: ops it cannot take stay where they are.
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-outline-structured-ops="min-ops=0" -o /dev/null
// RUN: quant-opt %s -split-input-file --quantx-outline-structured-ops="min-ops=0" --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map allow-return-allocs-from-loops" | FileCheck %s --check-prefix=BUF

// The same quantize of two layers (different inputs, same scalar constants)
// shares one function; the empty output moves into it, the constants it
// captures are copied, the large weight is an argument.
#id = affine_map<(d0, d1) -> (d0, d1)>
#sc = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @two_layers
//  CHECK-SAME:     (%[[X:.*]]: tensor<1x64xf32>, %[[Y:.*]]: tensor<1x64xf32>, %[[S:.*]]: tensor<f32>)
//   CHECK-NOT:   linalg.generic
//       CHECK:   %[[A:.*]] = call @[[Q:__quantx_op_0_generic]](%[[X]], %[[S]]) : (tensor<1x64xf32>, tensor<f32>) -> tensor<1x64xi8>
//       CHECK:   %[[B:.*]] = call @[[Q]](%[[Y]], %[[S]])
//       CHECK:   return %[[A]], %[[B]]
//       CHECK: func.func private @[[Q]](%{{.*}}: tensor<1x64xf32>, %{{.*}}: tensor<f32>) -> tensor<1x64xi8>
//  CHECK-SAME:     attributes {passthrough = ["noinline"]}
//       CHECK:   arith.constant 1.270000e+02 : f32
//       CHECK:   tensor.empty() : tensor<1x64xi8>
//       CHECK:   linalg.generic
//       CHECK:   return
//   CHECK-NOT: func.func private @__quantx_op_1
// FEW-LABEL: func.func @two_layers
//       FEW:   linalg.generic
//       FEW:   linalg.generic
//   FEW-NOT:   call
func.func @two_layers(%x: tensor<1x64xf32>, %y: tensor<1x64xf32>, %s: tensor<f32>) -> (tensor<1x64xi8>, tensor<1x64xi8>) {
  %c127 = arith.constant 127.0 : f32
  %e0 = tensor.empty() : tensor<1x64xi8>
  %a = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s : tensor<1x64xf32>, tensor<f32>) outs(%e0 : tensor<1x64xi8>) {
  ^bb0(%in: f32, %sv: f32, %out: i8):
    %d = arith.divf %in, %sv : f32
    %m = arith.minimumf %d, %c127 : f32
    %i = arith.fptosi %m : f32 to i8
    linalg.yield %i : i8
  } -> tensor<1x64xi8>
  %e1 = tensor.empty() : tensor<1x64xi8>
  %b = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s : tensor<1x64xf32>, tensor<f32>) outs(%e1 : tensor<1x64xi8>) {
  ^bb0(%in: f32, %sv: f32, %out: i8):
    %d = arith.divf %in, %sv : f32
    %m = arith.minimumf %d, %c127 : f32
    %i = arith.fptosi %m : f32 to i8
    linalg.yield %i : i8
  } -> tensor<1x64xi8>
  return %a, %b : tensor<1x64xi8>, tensor<1x64xi8>
}

// -----

// A reduction into a fill of an empty tensor: the fill moves too (and the
// caller's copy goes once nothing uses it). Different shapes, different
// functions; a splat constant input is copied, a larger one passed.
#id = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @absmax
//   CHECK-NOT:   linalg.fill
//       CHECK:   call @[[R0:__quantx_op_[0-9]+_generic]](%{{.*}}) : (tensor<1x64xf32>) -> tensor<f32>
//       CHECK:   call @[[R1:__quantx_op_[0-9]+_generic]](%{{.*}}) : (tensor<4x32xf32>) -> tensor<f32>
//       CHECK:   %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<4x8xf32>
//       CHECK:   call @[[M:__quantx_op_[0-9]+_matmul]](%{{.*}}, %[[W]]) : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
//       CHECK:   call @[[A:__quantx_op_[0-9]+_add]](%{{.*}}) : (tensor<1x4xf32>) -> tensor<1x4xf32>
// With min-ops=3 the four candidates here are outlined too.
// FEW-LABEL: func.func @absmax
//   FEW-NOT:   linalg.generic
//       FEW:   call @__quantx_op_
//       CHECK: func.func private @[[R0]]
//       CHECK:   linalg.fill
//       CHECK:   linalg.generic
//       CHECK: func.func private @[[R1]]
//       CHECK: func.func private @[[M]](%{{.*}}: tensor<1x8xf32>, %{{.*}}: tensor<4x8xf32>)
//       CHECK:   linalg.matmul
//       CHECK: func.func private @[[A]](%{{.*}}: tensor<1x4xf32>)
//       CHECK:   arith.constant dense<5.000000e-01> : tensor<1x4xf32>
//       CHECK:   linalg.add
func.func @absmax(%x: tensor<1x64xf32>, %y: tensor<4x32xf32>, %v: tensor<1x8xf32>) -> (tensor<f32>, tensor<f32>, tensor<1x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %a = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<1x64xf32>) outs(%f : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %abs = math.absf %in : f32
    %m = arith.maximumf %out, %abs : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  %b = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction", "reduction"]}
      ins(%y : tensor<4x32xf32>) outs(%f : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %abs = math.absf %in : f32
    %m = arith.maximumf %out, %abs : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %mm = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%v, %w : tensor<1x8xf32>, tensor<4x8xf32>) outs(%f2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %half = arith.constant dense<0.5> : tensor<1x4xf32>
  %e3 = tensor.empty() : tensor<1x4xf32>
  %sum = linalg.add ins(%mm, %half : tensor<1x4xf32>, tensor<1x4xf32>) outs(%e3 : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %a, %b, %sum : tensor<f32>, tensor<f32>, tensor<1x4xf32>
}

// -----

// Not candidates: an op writing into a tensor that is not fresh (an
// argument: an update in place), a fill, an op without loops. A dynamic
// empty tensor passes its size.
#id1 = affine_map<(d0) -> (d0)>
#id0 = affine_map<() -> ()>
// CHECK-LABEL: func.func @others
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<8xf32>)
//       CHECK:   linalg.fill
//       CHECK:   linalg.generic {{.*}}iterator_types = []
//       CHECK:   %[[D:.*]] = tensor.dim
//       CHECK:   call @{{.*}}(%[[D]], %{{.*}}) : (index, tensor<?xf32>) -> tensor<?xf32>
//       CHECK: func.func private
//  CHECK-SAME:     (%[[N:.*]]: index, %{{.*}}: tensor<?xf32>) -> tensor<?xf32>
//       CHECK:   tensor.empty(%[[N]]) : tensor<?xf32>
func.func @others(%x: tensor<8xf32>, %acc: tensor<8xf32>, %s: tensor<f32>, %d: tensor<?xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<f32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %u = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %es = tensor.empty() : tensor<f32>
  %sc = linalg.generic {indexing_maps = [#id0, #id0], iterator_types = []}
      ins(%s : tensor<f32>) outs(%es : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %one : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %n = tensor.dim %d, %c0 : tensor<?xf32>
  %ed = tensor.empty(%n) : tensor<?xf32>
  %neg = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%d : tensor<?xf32>) outs(%ed : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  return %u, %f, %sc, %neg : tensor<8xf32>, tensor<8xf32>, tensor<f32>, tensor<?xf32>
}

// -----

// Ops inside a loop (a model's layer loop) are outlined in place; with the
// default threshold (32 ops) a function this small is left alone.
#id1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @loop
//       CHECK:   scf.for
//       CHECK:     call @__quantx_op_{{[0-9]+}}_generic(%{{.*}}) : (tensor<16xf32>) -> tensor<16xf32>
// DEFAULT-LABEL: func.func @loop
//       DEFAULT:   linalg.generic
//   DEFAULT-NOT:   call
func.func @loop(%x: tensor<16xf32>) -> tensor<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%v = %x) -> (tensor<16xf32>) {
    %e = tensor.empty() : tensor<16xf32>
    %n = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
        ins(%v : tensor<16xf32>) outs(%e : tensor<16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %t = math.tanh %in : f32
      linalg.yield %t : f32
    } -> tensor<16xf32>
    scf.yield %n : tensor<16xf32>
  }
  return %r : tensor<16xf32>
}

// -----

// A slice of a larger tensor (a layer's part of a KV cache) is passed with
// dynamic strides, so that bufferization hands over the view, not a copy.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @view
//       CHECK:   %[[S:.*]] = tensor.extract_slice
//       CHECK:   call @[[F:__quantx_op_[0-9]+_generic]](%[[S]], %{{.*}})
//       CHECK: func.func private @[[F]](%{{.*}}: tensor<4x8xf32> {bufferization.buffer_layout = strided<[?, ?], offset: ?>}, %{{.*}}: tensor<4x8xf32>)
// BUF-LABEL: func.func @view
//   BUF-NOT:   memref.copy
//       BUF:   %[[V:.*]] = memref.subview
//       BUF:   %[[C:.*]] = memref.cast %[[V]]
//       BUF:   call @{{.*}}(%[[C]], %{{.*}}) : (memref<4x8xf32, strided<[?, ?], offset: ?>>, memref<4x8xf32>)
func.func @view(%cache: tensor<16x8xf32>, %x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = tensor.extract_slice %cache[4, 0] [4, 8] [1, 1] : tensor<16x8xf32> to tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
