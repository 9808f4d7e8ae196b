// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=16" | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=8 prefetch-bytes=0" | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=16 tile-weights=false" | FileCheck %s --check-prefix=OFF

// A constant 4-bit weight (8 rows x 64 bytes) is re-laid out at compile
// time in tiles of 4 rows x 16 bytes: tiled[t][c][r][j] = W[4t + r][16c + j].
// Row r of the source is 0x(r)(c) in chunk c (every byte of chunk c of row
// r holds 16 r + c), so the tiled blob reads, per tile and chunk, the four
// rows' chunks in order: 00.. 10.. 20.. 30.. then 01.. 11.. 21.. 31.. ...
// CHECK-LABEL: func @tiled
//       CHECK:   %[[T:.*]] = arith.constant dense_resource<w.tiled> : tensor<2x4x4x16xi8>
//       CHECK:   %[[W:.*]] = bufferization.to_buffer %[[T]] {{.*}} : tensor<2x4x4x16xi8> to memref<2x4x4x16xi8>
//       CHECK:   call @[[K:__quantx_kernel_i4_n8_k128_g32[^(]*_t4x16_pf4096[^(]*]](%{{.*}}, %[[W]],
//       CHECK: func.func private @[[K]](%{{.*}}: memref<?x128xf32>, %{{.*}}: memref<2x4x4x16xi8>, %{{.*}}: memref<8x4xf32>, %{{.*}}: memref<?x8xf32>)
//  CHECK-SAME:   prefetch_bytes = 4096 : i64
//  CHECK-SAME:   rows = 4 : i64
//  CHECK-SAME:   weight_tiles = array<i64: 4, 16>
//       CHECK:   %[[FLAT:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0, 1, 2, 3]] : memref<2x4x4x16xi8> into memref<512xi8>
//       CHECK:   scf.parallel
// The first row of a tile prefetches 4096 bytes ahead, clamped to the last byte.
//       CHECK:   arith.minui %{{.*}}, %c511
//       CHECK:   memref.prefetch %[[FLAT]][%{{.*}}], read, locality<3>, data
//       CHECK:   vector.load %{{.*}}[%{{.*}}, %{{.*}}, %c0{{.*}}, %{{.*}}] : memref<2x4x4x16xi8>, vector<16xi8>
//       CHECK:   vector.load %{{.*}}[%{{.*}}, %{{.*}}, %c1{{.*}}, %{{.*}}] : memref<2x4x4x16xi8>, vector<16xi8>
//   CHECK-NOT:   memref.prefetch
//       CHECK:   vector.load %{{.*}}[%{{.*}}, %{{.*}}, %c2{{.*}}, %{{.*}}] : memref<2x4x4x16xi8>, vector<16xi8>
//       CHECK:   vector.load %{{.*}}[%{{.*}}, %{{.*}}, %c3{{.*}}, %{{.*}}] : memref<2x4x4x16xi8>, vector<16xi8>
// The blob is 64-byte aligned (its header).
//       CHECK: dialect_resources
//       CHECK:   w.tiled: "0x40000000
//  CHECK-SAME: 00000000000000000000000000000000
//  CHECK-SAME: 10101010101010101010101010101010
//  CHECK-SAME: 20202020202020202020202020202020
//  CHECK-SAME: 30303030303030303030303030303030
//  CHECK-SAME: 01010101010101010101010101010101
// With 8 lanes, a step reads half a chunk; rows are still tiles of 4.
// AVX2: func.func private @{{.*}}_t4x16_pf0{{.*}}memref<2x4x4x16xi8>
// AVX2-SAME: rows = 4 : i64
// AVX2-NOT: memref.prefetch
// AVX2: vector.load %{{.*}} : memref<2x4x4x16xi8>, vector<8xi8>
// OFF: func.func private @{{.*}}(%{{.*}}: memref<?x128xf32>, %{{.*}}: memref<8x64xi8>,
// OFF-NOT: weight_tiles
func.func @tiled(%a: tensor<?x128xf32>, %s: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense_resource<w> : tensor<8x64xi8>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<?x128xf32>, tensor<8x64xi8>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000000000000000000000000000000001010101010101010101010101010101020202020202020202020202020202020303030303030303030303030303030310101010101010101010101010101010111111111111111111111111111111111212121212121212121212121212121213131313131313131313131313131313202020202020202020202020202020202121212121212121212121212121212122222222222222222222222222222222232323232323232323232323232323233030303030303030303030303030303031313131313131313131313131313131323232323232323232323232323232323333333333333333333333333333333340404040404040404040404040404040414141414141414141414141414141414242424242424242424242424242424243434343434343434343434343434343505050505050505050505050505050505151515151515151515151515151515152525252525252525252525252525252535353535353535353535353535353536060606060606060606060606060606061616161616161616161616161616161626262626262626262626262626262626363636363636363636363636363636370707070707070707070707070707070717171717171717171717171717171717272727272727272727272727272727273737373737373737373737373737373"
    }
  }
#-}

// -----

// Weights that are not constants, N not a multiple of 4 or K not a
// multiple of 32 keep the N x K/2 layout.
// CHECK-LABEL: func @not_tiled
//   CHECK-NOT: dense_resource
//       CHECK: func.func private @{{.*}}(%{{.*}}: memref<?x64xf32>, %{{.*}}: memref<6x32xi8>,
//   CHECK-NOT: weight_tiles
//       CHECK: func.func private @{{.*}}(%{{.*}}: memref<?x128xf32>, %{{.*}}: memref<8x64xi8>,
//   CHECK-NOT: weight_tiles
func.func @not_tiled(%a: tensor<?x128xf32>, %w: tensor<8x64xi8>, %s: tensor<8x4xf32>, %b: tensor<?x64xf32>, %s2: tensor<6x2xf32>) -> (tensor<?x8xf32>, tensor<?x6xf32>) {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<?x128xf32>, tensor<8x64xi8>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %w2 = arith.constant dense<17> : tensor<6x32xi8>
  %1 = quantx.matmul %b, %w2 weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s2) : (tensor<?x64xf32>, tensor<6x32xi8>, tensor<6x2xf32>) -> tensor<?x6xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x6xf32>
}

// -----

// 8-bit codes (W8A16, FP8 weight-only) are tiled the same way: 16 codes of
// each of 4 rows per 64-byte line.
// CHECK-LABEL: func @tiled_int8
//       CHECK:   arith.constant dense_resource<w8.tiled> : tensor<2x2x4x16xi8>
//       CHECK: func.func private @{{.*}}_t4x16_pf4096{{.*}}(%{{.*}}: memref<?x32xf32>, %{{.*}}: memref<2x2x4x16xi8>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<?x8xf32>)
//       CHECK:   vector.load %{{.*}}[%{{.*}}, %{{.*}}, %c0{{.*}}, %{{.*}}] : memref<2x2x4x16xi8>, vector<16xi8>
func.func @tiled_int8(%a: tensor<?x32xf32>, %s: tensor<8xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense_resource<w8> : tensor<8x32xi8>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<?x32xf32>, tensor<8x32xi8>, tensor<8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w8: "0x040000000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F200102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20"
    }
  }
#-}
