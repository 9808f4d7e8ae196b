// RUN: quant-opt %s --split-input-file --quantx-drop-in-place-results | FileCheck %s
// RUN: quant-opt %s --split-input-file --quantx-drop-in-place-results --verify-diagnostics -o /dev/null

// A function that returns the buffer of its argument (updated in place, as
// a KV cache after bufferization) stops returning it; the attribute says
// which argument holds each original result.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[C:.*]]: memref<4xf32>, %{{.*}}: index) -> memref<1xf32>
// CHECK-SAME: attributes {quantx.in_place_results = [0, -1]}
// CHECK: memref.store
// CHECK: return %{{.*}} : memref<1xf32>
func.func @step(%cache: memref<4xf32>, %i: index) -> (memref<4xf32>, memref<1xf32>) {
  %c = arith.constant 2.0 : f32
  memref.store %c, %cache[%i] : memref<4xf32>
  %r = memref.alloc() : memref<1xf32>
  memref.store %c, %r[%i] : memref<1xf32>
  return %cache, %r : memref<4xf32>, memref<1xf32>
}

// A caller uses the argument it passed instead of the dropped result.
// CHECK-LABEL: func.func @caller
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %{{.*}}: index) -> memref<4xf32>
// CHECK: %{{.*}} = call @step(%[[A]], %{{.*}}) : (memref<4xf32>, index) -> memref<1xf32>
// CHECK: return
func.func @caller(%a: memref<4xf32>, %i: index) -> memref<4xf32> attributes {keep} {
  %c, %r = call @step(%a, %i) : (memref<4xf32>, index) -> (memref<4xf32>, memref<1xf32>)
  %out = memref.alloc() : memref<4xf32>
  memref.copy %c, %out : memref<4xf32> to memref<4xf32>
  return %out : memref<4xf32>
}

// -----

// Through a cast; results that are new buffers stay.
// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%{{.*}}: memref<4xf32>) attributes {quantx.in_place_results = [0]}
func.func @cast(%a: memref<4xf32>) -> memref<?xf32> {
  %c = memref.cast %a : memref<4xf32> to memref<?xf32>
  return %c : memref<?xf32>
}
// CHECK-LABEL: func.func @fresh
// CHECK-SAME: -> memref<4xf32> {
func.func @fresh(%a: memref<4xf32>) -> memref<4xf32> {
  %r = memref.alloc() : memref<4xf32>
  memref.copy %a, %r : memref<4xf32> to memref<4xf32>
  return %r : memref<4xf32>
}
