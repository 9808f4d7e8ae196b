// RUN: quant-opt %s -split-input-file -verify-diagnostics --quantx-gpu-device-memory

// Host code may not touch buffers in GPU memory: a located error, not a
// crash at run time.
module attributes {gpu.container_module} {
func.func @host_read(%arg0: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{quantx-gpu-device-memory: 'memref.load' would run on the host on a buffer in GPU memory; this computation has no GPU kernel yet}}
  %v = memref.load %arg0[%c0] : memref<4xf32>
  return %v : f32
}
}

// -----

module attributes {gpu.container_module} {
func.func @strided_copy(%arg0: memref<4x8xf32>, %arg1: memref<4x4xf32>) {
  %s = memref.subview %arg0[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  // expected-error @+1 {{quantx-gpu-device-memory: copy between non-contiguous buffers has no GPU lowering}}
  memref.copy %s, %arg1 : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}
}

// -----

// Unranked buffers (crashed before): a located error.
module attributes {gpu.container_module} {
func.func @unranked_copy(%a: memref<*xf32>, %b: memref<*xf32>) {
  // expected-error @+1 {{quantx-gpu-device-memory: copy of unranked buffers has no GPU lowering}}
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}
}
