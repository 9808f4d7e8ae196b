// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(quantx-strided-copies-to-linalg))" | FileCheck %s
// The pass reports nothing: copies it cannot express (unranked) stay.
// RUN: quant-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(quantx-strided-copies-to-linalg))" -o /dev/null

// A copy into a subview (as tensor.pad bufferizes) becomes linalg.copy.
// CHECK-LABEL: func.func @into_subview
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<2x3xf32>) outs(%{{.*}} : memref<2x3xf32, strided<[5, 1], offset: 6>>)
func.func @into_subview(%src: memref<2x3xf32>, %dst: memref<4x5xf32>) {
  %sub = memref.subview %dst[1, 1] [2, 3] [1, 1] : memref<4x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %src, %sub : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}

// -----

// Contiguous copies (a memcpy after lowering) stay, also with a strided
// layout that is row-major contiguous.
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x3xf32> to memref<2x3xf32>
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x3xf32> to memref<2x3xf32, strided<[3, 1], offset: 6>>
// CHECK-NOT: linalg.copy
func.func @contiguous(%a: memref<2x3xf32>, %b: memref<2x3xf32>, %c: memref<4x3xf32>) {
  memref.copy %a, %b : memref<2x3xf32> to memref<2x3xf32>
  %rows = memref.subview %c[2, 0] [2, 3] [1, 1] : memref<4x3xf32> to memref<2x3xf32, strided<[3, 1], offset: 6>>
  memref.copy %a, %rows : memref<2x3xf32> to memref<2x3xf32, strided<[3, 1], offset: 6>>
  return
}

// -----

// Dynamic shapes: not known to be contiguous, so loops.
// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.copy
func.func @dynamic(%a: memref<?x3xf32>, %b: memref<?x3xf32, strided<[?, 1], offset: ?>>) {
  memref.copy %a, %b : memref<?x3xf32> to memref<?x3xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// Unranked copies stay memref.copy.
// CHECK-LABEL: func.func @unranked
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<*xf32> to memref<*xf32>
func.func @unranked(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}
