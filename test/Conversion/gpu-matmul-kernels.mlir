// RUN: quant-opt %s -split-input-file --quantx-gpu-matmul-kernels | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-gpu-matmul-kernels="warps=2 rows=2 split-k=2" | FileCheck %s --check-prefix=OPTS

// W4A16 decode (M = 1): one launch, grid (N / 4, 1, 1), block (32, 4, 1);
// rows per block shrink to the static M.
// CHECK-LABEL: module attributes {gpu.container_module}
//       CHECK: gpu.module @__quantx_gpu_kernels
//       CHECK:   gpu.func @[[$K:gemv_i4_n64_k256_g128_group_w4_r1_sk1_f16_f16_f16]](%{{.*}}: memref<?x256xf16>, %{{.*}}: memref<64x128xi8>, %{{.*}}: memref<64x2xf16>, %{{.*}}: memref<?x64xf16>) kernel attributes {known_block_size = array<i32: 32, 4, 1>, quantx.kernel = {group = 128 : i64, k = 256 : i64, kind = "gpu.gemv", n = 64 : i64, rows = 1 : i64, scales = "group", scheme = "#quantx.scheme<i4, axis = 1, group = 128>", split_k = 1 : i64, warps = 4 : i64}}
//       CHECK:     scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %c32
// One aligned 16-byte load of packed codes per lane and step.
//       CHECK:       vector.load %{{.*}} {alignment = 16 : i64} : memref<64x128xi8>, vector<16xi8>
//       CHECK:       arith.andi
//       CHECK:       arith.shrui
//       CHECK:       arith.extsi %{{.*}} : vector<16xi4> to vector<16xi32>
// The group scale of the chunk.
//       CHECK:       memref.load %{{.*}} : memref<64x2xf16>
//       CHECK:       vector.load %{{.*}} : memref<?x256xf16>, vector<32xf16>
//       CHECK:       vector.shuffle
//       CHECK:       vector.fma
//       CHECK:       vector.fma
//       CHECK:     vector.reduction <add>, %{{.*}} fastmath<reassoc>
// CHECK-COUNT-5:   gpu.shuffle  xor
//       CHECK:     memref.store %{{.*}} : memref<?x64xf16>
//       CHECK:     gpu.return
// CHECK-LABEL: func.func @w4a16_decode
//       CHECK:   bufferization.to_buffer %{{.*}} read_only
//       CHECK:   %[[OUT:.*]] = memref.alloc() : memref<1x64xf16>
//       CHECK:   gpu.launch_func @__quantx_gpu_kernels::@[[$K]] blocks in (%c16, %c1, %c1) threads in (%c32, %c4, %c1)
//       CHECK:   bufferization.to_tensor %[[OUT]] restrict writable
//   CHECK-NOT: quantx.matmul
// Forced split-K: a workspace and a second, finishing kernel.
// OPTS-LABEL: gpu.module @__quantx_gpu_kernels
//       OPTS: gpu.func @gemv_i4_n64_k256_g128_group_w2_r1_sk2_f16_f16_f16({{.*}}memref<2x?x64xf32>)
//       OPTS: gpu.func @splitk_finish_n64_sk2_f16(%{{.*}}: memref<2x?x64xf32>, %{{.*}}: memref<?x64xf16>)
// OPTS-LABEL: func.func @w4a16_decode
//       OPTS: memref.alloc(%{{.*}}) : memref<2x?x64xf32>
//       OPTS: gpu.launch_func @__quantx_gpu_kernels::@gemv_i4_n64_k256_g128_group_w2_r1_sk2_f16_f16_f16 blocks in (%{{.*}}, %c2, %{{.*}}) threads in (%c32, %c2, %c1)
//       OPTS: gpu.launch_func @__quantx_gpu_kernels::@splitk_finish_n64_sk2_f16 blocks in
func.func @w4a16_decode(%a: tensor<1x256xf16>, %w: tensor<64x128xi8>, %s: tensor<64x2xf16>) -> tensor<1x64xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 128> scale %s) : (tensor<1x256xf16>, tensor<64x128xi8>, tensor<64x2xf16>) -> tensor<1x64xf16>
  return %0 : tensor<1x64xf16>
}

// -----

// NF4: the code book is written to shared memory by the first 16 threads
// (decoded with the numerics of record) and looked up with vector.gather.
// CHECK-LABEL: gpu.module @__quantx_gpu_kernels
//       CHECK: gpu.func @gemv_nf4_n256_k4096_g64_group_w4_r1_sk2_f16_f16_f16({{.*}}) workgroup(%[[BOOK:.*]] : memref<16xf32, #gpu.address_space<workgroup>>) kernel
//       CHECK:   scf.if
//       CHECK:     memref.store %{{.*}}, %[[BOOK]]
//       CHECK:   gpu.barrier
//       CHECK:   vector.gather %[[BOOK]]
// N = 256 alone gives 64 blocks: K is split in two to fill 132 SMs.
//       CHECK: gpu.func @splitk_finish_n256_sk2_f16
// CHECK-LABEL: func.func @nf4_decode
//       CHECK:   gpu.launch_func @__quantx_gpu_kernels::@gemv_nf4_n256_k4096_g64_group_w4_r1_sk2_f16_f16_f16 blocks in (%c64, %c2, %c1)
func.func @nf4_decode(%a: tensor<1x4096xf16>, %w: tensor<256x2048xi8>, %s: tensor<256x64xf16>) -> tensor<1x256xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<nf4, axis = 1, group = 64> scale %s) : (tensor<1x4096xf16>, tensor<256x2048xi8>, tensor<256x64xf16>) -> tensor<1x256xf16>
  return %0 : tensor<1x256xf16>
}

// -----

// u4 with zero points and a float bias, dynamic M: grid z = ceil(M / 4);
// the zero point is subtracted from the codes as integers.
// CHECK-LABEL: gpu.func @gemv_u4
//  CHECK-SAME:   kind = "gpu.gemv", n = 96 : i64, rows = 4 : i64, scales = "group", scheme = "#quantx.scheme<u4, axis = 1, group = 128>", split_k = 1 : i64, warps = 4 : i64
//       CHECK:   arith.extui %{{.*}} : vector<16xi4> to vector<16xi32>
//       CHECK:   arith.subi
//       CHECK:   memref.load %{{.*}} : memref<96xf32>
// CHECK-LABEL: func.func @u4_zp_bias
//       CHECK:   %[[M:.*]] = tensor.dim %arg0, %c0
//       CHECK:   memref.alloc(%[[M]]) : memref<?x96xf32>
//       CHECK:   %[[Z:.*]] = arith.divui %{{.*}}, %c4
//       CHECK:   gpu.launch_func {{.*}} blocks in (%c24, %c1, %[[Z]]) threads in (%c32, %c4, %c1)
func.func @u4_zp_bias(%a: tensor<?x512xf32>, %w: tensor<96x256xi8>, %s: tensor<96x4xf32>, %z: tensor<96x4xi4>, %b: tensor<96xf32>) -> tensor<?x96xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<u4, axis = 1, group = 128> scale %s zero_point %z) bias(%b) : (tensor<?x512xf32>, tensor<96x256xi8>, tensor<96x4xf32>, tensor<96x4xi4>, tensor<96xf32>) -> tensor<?x96xf32>
  return %0 : tensor<?x96xf32>
}

// -----

// W8A16 per channel and FP8 per tensor: 16 codes per chunk, scales applied
// once after the reduction.
// CHECK-LABEL: gpu.func @gemv_f8E4M3FN
//  CHECK-SAME:   kind = "gpu.gemv", n = 64 : i64, rows = 2 : i64, scales = "tensor", scheme = "#quantx.scheme<f8E4M3FN>"
//       CHECK:   vector.load %{{.*}} {alignment = 16 : i64} : memref<64x1024xf8E4M3FN>, vector<16xf8E4M3FN>
//       CHECK:   vector.load %{{.*}} {alignment = 16 : i64} : memref<?x1024xf32>, vector<16xf32>
// CHECK-LABEL: gpu.func @gemv_i8
//  CHECK-SAME:   kind = "gpu.gemv", n = 128 : i64, rows = 4 : i64, scales = "row", scheme = "#quantx.scheme<i8, axis = 0>"
//       CHECK:   vector.load %{{.*}} {alignment = 16 : i64} : memref<128x1024xi8>, vector<16xi8>
//       CHECK:   vector.load %{{.*}} {alignment = 16 : i64} : memref<?x1024xbf16>, vector<16xbf16>
// CHECK-LABEL: func.func @w8
// CHECK-LABEL: func.func @fp8
func.func @w8(%a: tensor<16x1024xbf16>, %w: tensor<128x1024xi8>, %s: tensor<128xf32>) -> tensor<16x128xbf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<16x1024xbf16>, tensor<128x1024xi8>, tensor<128xf32>) -> tensor<16x128xbf16>
  return %0 : tensor<16x128xbf16>
}
func.func @fp8(%a: tensor<2x1024xf32>, %w: tensor<64x1024xf8E4M3FN>, %s: tensor<f32>) -> tensor<2x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN> scale %s) : (tensor<2x1024xf32>, tensor<64x1024xf8E4M3FN>, tensor<f32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

// Left for the reference lowering: K not a multiple of a chunk, groups
// that split a chunk, integer (W8A8) matmuls.
// CHECK-LABEL: func.func @left
//   CHECK-NOT: gpu.launch_func
// CHECK-COUNT-3: quantx.matmul
func.func @left(%a: tensor<1x40xf32>, %w: tensor<4x20xi8>, %s: tensor<4x5xf32>,
                %a2: tensor<1x64xf32>, %w2: tensor<4x32xi8>, %s2: tensor<4x4xf32>,
                %a3: tensor<2x32xi8>, %w3: tensor<4x32xi8>) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<2x4xi32>) {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 8> scale %s) : (tensor<1x40xf32>, tensor<4x20xi8>, tensor<4x5xf32>) -> tensor<1x4xf32>
  %1 = quantx.matmul %a2, %w2 weight(#quantx.scheme<i4, axis = 1, group = 16> scale %s2) : (tensor<1x64xf32>, tensor<4x32xi8>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %2 = quantx.matmul %a3, %w3 weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) : (tensor<2x32xi8>, tensor<4x32xi8>) -> tensor<2x4xi32>
  return %0, %1, %2 : tensor<1x4xf32>, tensor<1x4xf32>, tensor<2x4xi32>
}

// -----

// Static M >= 17 with f16 activations: the tensor-core kernel. Block
// (32, 4) of warps with 2 x 4 mma tiles each (32 rows x 128 columns per
// block); per K block of 128 each thread loads one 16-byte weight chunk per
// n tile and the matching activations, decodes the weights to f16 and
// issues mma.sync m16n8k16; the group scale multiplies the f32 block sums.
// The block's activations go through two shared-memory stages filled with
// cp.async (16-byte copies, rows padded by 8 halves).
// CHECK-LABEL: gpu.func @mma_i4
//  CHECK-SAME:   workgroup(%[[STAGE:.*]] : memref<2x32x136xf16, #gpu.address_space<workgroup>>)
//  CHECK-SAME:   kind = "gpu.mma", m_tiles = 2 : i64, n = 256 : i64, n_tiles = 4 : i64, scales = "group", scheme = "#quantx.scheme<i4, axis = 1, group = 128>", stage_a = true, warps = 4 : i64
//       CHECK:   nvgpu.device_async_copy %{{.*}}, %[[STAGE]][%c0, %{{.*}}], 8 {bypassL1}
//       CHECK:   nvgpu.device_async_create_group
//       CHECK:   scf.for
//       CHECK:     vector.load %{{.*}} {alignment = 16 : i64} : memref<256x512xi8>, vector<16xi8>
//       CHECK:     arith.truncf %{{.*}} : vector<32xf32> to vector<32xf16>
//       CHECK:     nvgpu.device_async_copy
//       CHECK:     nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
//       CHECK:     gpu.barrier
//       CHECK:     vector.load %[[STAGE]][{{.*}}] {alignment = 16 : i64} : memref<2x32x136xf16, #gpu.address_space<workgroup>>, vector<32xf16>
//       CHECK:     nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32)
//       CHECK:     math.fma
//       CHECK:   memref.store %{{.*}} : memref<?x256xf32>
// CHECK-LABEL: func.func @mma_w4
//       CHECK:   gpu.launch_func @__quantx_gpu_kernels::@mma_i4_n256_k1024_g128_group_w4_mt2_nt4_sa_f16_f32_f16 blocks in (%c2, %{{.*}}, %c1) threads in (%c32, %c4, %c1)
func.func @mma_w4(%a: tensor<64x1024xf16>, %w: tensor<256x512xi8>, %s: tensor<256x8xf16>) -> tensor<64x256xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 128> scale %s) : (tensor<64x1024xf16>, tensor<256x512xi8>, tensor<256x8xf16>) -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

// W8A8: the raw i32 accumulator from mma.sync m16n8k32 (u8 x s8), then the
// reference epilogue on tensors.
// CHECK-LABEL: gpu.func @mma_s8_u8xi8
//  CHECK-SAME:   input_scheme = "#quantx.scheme<u8>", k = 128 : i64, kind = "gpu.mma", m_tiles = 2 : i64, n = 64 : i64, n_tiles = 2 : i64
//       CHECK:   nvvm.mma.sync {{.*}} {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// CHECK-LABEL: func.func @mma_w8a8
//       CHECK:   gpu.launch_func @__quantx_gpu_kernels::@mma_s8_u8xi8_n64_k128_g128_tensor_w4_mt2_nt2_sa_i8_i32
//       CHECK:   linalg.generic
//   CHECK-NOT:   quantx.matmul
func.func @mma_w8a8(%a: tensor<32x128xi8>, %w: tensor<64x128xi8>, %s: tensor<64xf32>, %as: tensor<f32>, %az: tensor<i8>) -> tensor<32x64xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<u8> scale %as zero_point %az) : (tensor<32x128xi8>, tensor<64x128xi8>, tensor<64xf32>, tensor<f32>, tensor<i8>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}
