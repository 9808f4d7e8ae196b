// RUN: quant-opt %s -split-input-file --quantx-gpu-device-memory | FileCheck %s

// Allocations, copies and deallocations of host code move to GPU memory;
// the kernel body is left alone.
// CHECK-LABEL: func.func @buffers
//       CHECK:   %[[A:.*]] = gpu.alloc (%{{.*}}) : memref<?x8xf32>
//       CHECK:   gpu.launch
//       CHECK:     memref.store
//       CHECK:   %[[B:.*]] = gpu.alloc () : memref<4x8xf32>
//       CHECK:   gpu.memcpy %[[B]], %arg0 : memref<4x8xf32>, memref<4x8xf32>
//       CHECK:   gpu.dealloc %[[A]] : memref<?x8xf32>
//   CHECK-NOT:   memref.alloc
module attributes {gpu.container_module} {
func.func @buffers(%arg0: memref<4x8xf32>, %n: index) -> memref<4x8xf32> {
  %c1 = arith.constant 1 : index
  %a = memref.alloc(%n) : memref<?x8xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%x = %c1, %y = %c1, %z = %c1) threads(%tx, %ty, %tz) in (%u = %c1, %v = %c1, %w = %c1) {
    %f = arith.constant 1.0 : f32
    memref.store %f, %a[%tx, %ty] : memref<?x8xf32>
    gpu.terminator
  }
  %b = memref.alloc() : memref<4x8xf32>
  memref.copy %arg0, %b : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<?x8xf32>
  return %b : memref<4x8xf32>
}
}

// -----

// A constant used by a kernel is uploaded for the call and freed at the
// end of its block; a host use keeps the host global.
// CHECK-LABEL: func.func @constant
//       CHECK:   %[[G:.*]] = memref.get_global @table : memref<4xf32>
//       CHECK:   %[[D:.*]] = gpu.alloc () : memref<4xf32>
//       CHECK:   gpu.memcpy %[[D]], %[[G]]
//       CHECK:   memref.load %[[G]]
//       CHECK:   gpu.launch_func @k::@k {{.*}} args(%[[D]] : memref<4xf32>)
//       CHECK:   gpu.dealloc %[[D]]
//  CHECK-NEXT:   return
module attributes {gpu.container_module} {
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
gpu.module @k {
  gpu.func @k(%t: memref<4xf32>) kernel { gpu.return }
}
func.func @constant() -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %g = memref.get_global @table : memref<4xf32>
  %v = memref.load %g[%c0] : memref<4xf32>
  gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%g : memref<4xf32>)
  return %v : f32
}
}
