// Upstream quant types and memrefs at function boundaries for the crash
// corpus.
func.func @per_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>>
  %d = quant.dcast %q : tensor<2x4x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-2}>> to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @sub_channel(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{2.0, 3.0}, {4.0, 5.0}}>> {
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{2.0, 3.0}, {4.0, 5.0}}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{2.0, 3.0}, {4.0, 5.0}}>>
}

// -----

func.func @scalar_quant(%x: f32) -> f32 {
  %q = quant.qcast %x : f32 to !quant.uniform<u8:f32, 0.1:128>
  %d = quant.dcast %q : !quant.uniform<u8:f32, 0.1:128> to f32
  return %d : f32
}

// -----

func.func @storage_cast(%x: tensor<4xi8>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @memref_args(%a: memref<4x8xf32>, %b: memref<8x2xf32>, %c: memref<4x2xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x2xf32>) outs(%c : memref<4x2xf32>)
  return
}

// -----

func.func @strided_memref(%a: memref<4x8xf32, strided<[16, 1], offset: ?>>) -> f32 {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0, %c0] : memref<4x8xf32, strided<[16, 1], offset: ?>>
  return %v : f32
}

// -----

func.func @mixed(%t: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  %b = bufferization.to_buffer %t : tensor<4xf32> to memref<4xf32>
  memref.copy %b, %m : memref<4xf32> to memref<4xf32>
  return %t : tensor<4xf32>
}

// -----

"foo.module_level"() : () -> ()
func.func @unregistered_everywhere(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = "foo.op"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = quantx.fake_quant %y as #quantx.scheme<i8> scale(%y : tensor<4xf32>) : tensor<4xf32>
  return %z : tensor<4xf32>
}
