// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="rows=4 m-rows=2" | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=16 rows=2 m-rows=2 parallel=false include-float=false" | FileCheck %s --check-prefix=OPTS
// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="rows=4 m-rows=2 vnni=true" | FileCheck %s --check-prefix=VNNI

// A W4A16 matmul becomes a call of a kernel on memrefs; two ops with the
// same shape and scheme share one kernel. The packed weight is read as
// bytes (8 bytes = 16 codes per row and step) and split in registers: no
// unpacked copy of the weight exists.
// CHECK-LABEL: func @w4a16
// Each operand buffer is marked (unique per function) so CSE cannot merge it
// with an earlier one of the same tensor.
//       CHECK:   %[[A:.*]] = bufferization.to_buffer %arg0 read_only {quantx.kernel_operand = {{[0-9]+}} : i64} : tensor<?x64xf32> to memref<?x64xf32>
//       CHECK:   %[[W:.*]] = bufferization.to_buffer %arg1 read_only {quantx.kernel_operand = {{[0-9]+}} : i64} : tensor<8x32xi8> to memref<8x32xi8>
//       CHECK:   %[[OUT:.*]] = memref.alloc(%{{.*}}) : memref<?x8xf32>
//       CHECK:   call @[[K:__quantx_kernel_i4_n8_k64_g32[^(]*]](%[[A]], %[[W]], %{{.*}}, %[[OUT]])
//       CHECK:   bufferization.to_tensor %[[OUT]] restrict writable
//       CHECK:   call @[[K]](
//   CHECK-NOT:   quantx.matmul
//       CHECK: func.func private @[[K]](%{{.*}}: memref<?x64xf32>, %{{.*}}: memref<8x32xi8>, %{{.*}}: memref<8x2xf32>, %{{.*}}: memref<?x8xf32>)
// The only buffer: the activations split into even/odd positions (/ 16).
//       CHECK:   %[[SPLIT:.*]] = memref.alloc(%{{.*}}) : memref<?x64xf32>
//   CHECK-NOT:   memref.alloc
//       CHECK:   vector.load %{{.*}} : memref<?x64xf32>, vector<16xf32>
//       CHECK:   vector.shuffle
//       CHECK:   arith.mulf
//       CHECK:   vector.store %{{.*}}, %[[SPLIT]]
//       CHECK:   scf.parallel
// From 16 input rows on, a tile's weights are decoded once into a panel.
//       CHECK:     %[[MANY:.*]] = arith.cmpi uge, %{{.*}}, %c16
//       CHECK:     scf.if %[[MANY]]
//       CHECK:       %[[PANEL:.*]] = memref.alloc() : memref<4x64xf32>
//       CHECK:       vector.store %{{.*}}, %[[PANEL]]
//       CHECK:       vector.load %[[PANEL]]
//       CHECK:     } else {
//       CHECK:       scf.for
//       CHECK:         scf.for
//       CHECK:           scf.for
//       CHECK:           vector.load %[[SPLIT]]{{.*}} : memref<?x64xf32>, vector<8xf32>
//       CHECK:           vector.load %{{.*}} : memref<8x32xi8>, vector<8xi8>
// i4 without zero points: widened first, then 16 q_hi and 2^28 q_lo.
//       CHECK:           arith.extsi %{{.*}} : vector<8xi8> to vector<8xi32>
//       CHECK:           arith.andi %{{.*}} : vector<8xi32>
//       CHECK:           arith.shli %{{.*}} : vector<8xi32>
//       CHECK:           arith.sitofp %{{.*}} : vector<8xi32> to vector<8xf32>
//       CHECK:           vector.fma
//       CHECK:     vector.reduction <add>
//   CHECK-NOT: func.func private
// OPTS-LABEL: func @w4a16
// The options reach the kernel: its quantx.kernel description says so.
//       OPTS: func.func private @{{.*}}(%{{.*}}: memref<?x64xf32>, %{{.*}}: memref<8x32xi8>, %{{.*}}: memref<8x2xf32>, %{{.*}}: memref<?x8xf32>)
//  OPTS-SAME:   quantx.kernel = {fp8_bits = false, group = 32 : i64, k = 64 : i64, kind = "cpu.weight_only", m_rows = 2 : i64, m_tile_rows = 1 : i64, n = 8 : i64, panel_min_m = 16 : i64, parallel = false, rows = 2 : i64, scales = "group", scheme = "#quantx.scheme<i4, axis = 1, group = 32>", vector_width = 16 : i64, vnni = false, x86_permute = false}
//   OPTS-NOT:   scf.parallel
//       OPTS:   vector.load %{{.*}} : memref<8x32xi8>, vector<16xi8>
func.func @w4a16(%a: tensor<?x64xf32>, %w: tensor<8x32xi8>, %s: tensor<8x2xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<?x64xf32>, tensor<8x32xi8>, tensor<8x2xf32>) -> tensor<?x8xf32>
  %1 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<?x64xf32>, tensor<8x32xi8>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// A static M is cast to the kernel's dynamic M; int8 codes are loaded as
// one byte per code.
// CHECK-LABEL: func @w8a16_static
//       CHECK:   memref.cast %{{.*}} : memref<2x32xf32> to memref<?x32xf32>
//       CHECK:   %[[OUT:.*]] = memref.alloc() : memref<2x4xf32>
//       CHECK:   %[[CAST:.*]] = memref.cast %[[OUT]] : memref<2x4xf32> to memref<?x4xf32>
//       CHECK:   call @[[K:[^(]*]](%{{.*}}, %{{.*}}, %{{.*}}, %[[CAST]])
//       CHECK:   func.func private @[[K]]
//  CHECK-SAME:     kind = "cpu.weight_only"{{.*}}scales = "row", scheme = "#quantx.scheme<i8, axis = 0>"
//       CHECK:   vector.load %{{.*}} : memref<4x32xi8>, vector<8xi8>
func.func @w8a16_static(%a: tensor<2x32xf32>, %w: tensor<4x32xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<2x32xf32>, tensor<4x32xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// The float baseline: an f32 matmul with the weight in Linear (N x K)
// layout and a zero-filled accumulator uses the same kernel structure.
// CHECK-LABEL: func @f32_linear
//       CHECK:   call @[[K:[^(]*]](
//   CHECK-NOT:   linalg.matmul
//       CHECK:   func.func private @[[K]]
//  CHECK-SAME:     kind = "cpu.float", {{.*}}n = 8 : i64{{.*}}scales = "none"
// OPTS-LABEL: func @f32_linear
//       OPTS:   linalg.matmul
func.func @f32_linear(%x: tensor<4x16xf32>, %w: tensor<8x16xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<4x16xf32>, tensor<8x16xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Left for the reference lowering (one case each): K not a multiple of
// the step.
// CHECK-LABEL: func @k_not_multiple_of_step
//   CHECK-NOT:   call
//       CHECK:   quantx.matmul
func.func @k_not_multiple_of_step(%a: tensor<1x36xf32>, %w: tensor<4x36xi8>, %s: tensor<4xf32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<1x36xf32>, tensor<4x36xi8>, tensor<4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// A group smaller than a step.
// CHECK-LABEL: func @group_below_step
//   CHECK-NOT:   call
//       CHECK:   quantx.matmul
func.func @group_below_step(%a4: tensor<1x64xf32>, %w4: tensor<4x32xi8>, %s4: tensor<4x8xf32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %a4, %w4 weight(#quantx.scheme<i4, axis = 1, group = 8> scale %s4) : (tensor<1x64xf32>, tensor<4x32xi8>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// An integer matmul with K not a multiple of 16.
// CHECK-LABEL: func @integer_k_not_multiple_of_16
//   CHECK-NOT:   call
//       CHECK:   quantx.matmul
func.func @integer_k_not_multiple_of_16(%q: tensor<1x40xi8>, %w8: tensor<4x40xi8>, %st: tensor<f32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %q, %w8 weight(#quantx.scheme<i8> scale %st) input(#quantx.scheme<i8> scale %st) : (tensor<1x40xi8>, tensor<4x40xi8>, tensor<f32>, tensor<f32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// A K x N float weight (the plain linalg.matmul layout): the kernel with
// output columns in lanes, one weight vector load per k broadcast-multiplied
// into each input row, weight rows prefetched.
// CHECK-LABEL: func @float_k_by_n
//       CHECK:   call @[[K:[^(]*]](
//   CHECK-NOT:   linalg.matmul
//       CHECK:   func.func private @[[K]]
//  CHECK-SAME:     kind = "cpu.float_kn", {{.*}}n = 8 : i64{{.*}}rows = 1 : i64
//       CHECK:     memref.prefetch %{{.*}}, read, locality<3>, data : memref<16x8xf32>
//       CHECK:     vector.load %{{.*}} : memref<16x8xf32>, vector<8xf32>
//       CHECK:     vector.broadcast
//       CHECK:     vector.fma
//   CHECK-NOT:     vector.reduction
//       CHECK:     vector.store %{{.*}} : memref<?x8xf32>, vector<8xf32>
func.func @float_k_by_n(%x: tensor<1x16xf32>, %wt: tensor<16x8xf32>) -> tensor<1x8xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x8xf32>) -> tensor<1x8xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<1x16xf32>, tensor<16x8xf32>) outs(%i : tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// A K x N float weight with N not a multiple of the vector width.
// CHECK-LABEL: func @float_k_by_n_odd_n
//   CHECK-NOT:   call
//       CHECK:   linalg.matmul
func.func @float_k_by_n_odd_n(%x: tensor<1x16xf32>, %wt: tensor<16x12xf32>) -> tensor<1x12xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x12xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x12xf32>) -> tensor<1x12xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<1x16xf32>, tensor<16x12xf32>) outs(%i : tensor<1x12xf32>) -> tensor<1x12xf32>
  return %y : tensor<1x12xf32>
}

// -----

// A dynamic K.
// CHECK-LABEL: func @dynamic_k
//   CHECK-NOT:   call
//       CHECK:   quantx.matmul
func.func @dynamic_k(%ad: tensor<1x?xf32>, %wd: tensor<4x32xi8>, %st: tensor<f32>) -> tensor<1x4xf32> {
  %0 = quantx.matmul %ad, %wd weight(#quantx.scheme<i8> scale %st) : (tensor<1x?xf32>, tensor<4x32xi8>, tensor<f32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// W8A8: the integer kernel computes the exact i32 sum of the raw codes on
// 16-bit pairs (vpmaddwd's shape); the epilogue is the reference
// lowering's (here: the input zero point through the weight's row sums,
// then the rescale).
// CHECK-LABEL: func @w8a8
//       CHECK:   %[[ACC:.*]] = bufferization.to_tensor %{{.*}} restrict writable : memref<3x4xi32>
//       CHECK:   linalg.generic {{.*}} ins(%arg1 : tensor<4x32xi8>)
//       CHECK:   linalg.generic {{.*}} ins(%[[ACC]],
//       CHECK:     arith.sitofp
//       CHECK: func.func private @{{.*}}(%{{.*}}: memref<?x32xi8>, %{{.*}}: memref<4x32xi8>, %{{.*}}: memref<?x4xi32>)
//  CHECK-SAME:   input_scheme = "#quantx.scheme<u8>", k = 32 : i64, kind = "cpu.integer"
//       CHECK:   vector.load %{{.*}} : memref<?x32xi8>, vector<16xi8>
//       CHECK:   arith.extui %{{.*}} : vector<16xi8> to vector<16xi16>
//       CHECK:   arith.extsi %{{.*}} : vector<16xi8> to vector<16xi16>
//       CHECK:   arith.muli %{{.*}} : vector<8xi32>
//       CHECK:   vector.reduction <add>, %{{.*}} : vector<8xi32> into i32
// With vnni, four byte products per i32 lane (vpdpbusd's shape): u8
// input times i8 weight needs no offset, 32 bytes per step at 8 lanes.
// VNNI-LABEL: func @w8a8
//       VNNI: func.func private @{{.*}}_vnni_{{.*}}(%{{.*}}: memref<?x32xi8>, %{{.*}}: memref<4x32xi8>, %{{.*}}: memref<?x4xi32>)
//  VNNI-SAME:   vnni = true
//   VNNI-NOT:   arith.xori
//       VNNI:   vector.load %{{.*}} : memref<?x32xi8>, vector<32xi8>
//       VNNI:   arith.extui %{{.*}} : vector<32xi8> to vector<32xi32>
//       VNNI:   arith.extsi %{{.*}} : vector<32xi8> to vector<32xi32>
//       VNNI:   arith.muli %{{.*}} : vector<32xi32>
//       VNNI:   vector.shuffle {{.*}} [0, 4, 8, 12, 16, 20, 24, 28] : vector<32xi32>, vector<32xi32>
//       VNNI:   vector.reduction <add>, %{{.*}} : vector<8xi32> into i32
func.func @w8a8(%a: tensor<3x32xi8>, %w: tensor<4x32xi8>, %ws: tensor<4xf32>, %as: tensor<f32>, %az: tensor<i8>) -> tensor<3x4xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<u8> scale %as zero_point %az) : (tensor<3x32xi8>, tensor<4x32xi8>, tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A group-scaled integer matmul (W4A8, scales per group of 64 along K on
// both sides): the kernel reads the weight nibbles as unsigned (xor 0x88:
// q + 8), the inputs split once per call into even/odd halves with each
// group's offset correction -8 * sum(a), multiplies four bytes per i32 lane
// per group, scales the group's lanes in f32 (sa * sw) with a fused
// multiply-add, and adds the bias and rounds to bf16 itself.
// CHECK-LABEL: func @w4a8_group_scaled
//       CHECK:   call @[[K:.*]](%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<?x256xi8>, memref<8x128xi8>, memref<?x4xf32>, memref<8x4xf32>, memref<8xf32>, memref<?x8xbf16>) -> ()
//   CHECK-NOT:   linalg.generic
//       CHECK: func.func private @[[K]](
//  CHECK-SAME:   input_scales = "group", input_scheme = "#quantx.scheme<i8, axis = 1, group = 64>", k = 256 : i64, kind = "cpu.group_scaled"
//       CHECK:   vector.shuffle
//       CHECK:   vector.reduction <add>, %{{.*}} : vector<64xi32> into i32
//       CHECK:   arith.muli %{{.*}}, %c-8_i32 : i32
//       CHECK:   scf.parallel
//       CHECK:     vector.insert %{{.*}}, %{{.*}} [0] : i32 into vector<8xi32>
//       CHECK:     arith.xori %{{.*}}, %{{.*}} : vector<32xi8>
//       CHECK:     arith.andi
//       CHECK:     arith.shrui
//       CHECK:     arith.extui %{{.*}} : vector<32xi8> to vector<32xi32>
//       CHECK:     arith.extsi %{{.*}} : vector<32xi8> to vector<32xi32>
//       CHECK:     arith.sitofp %{{.*}} : vector<8xi32> to vector<8xf32>
//       CHECK:     vector.fma
//       CHECK:   vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
//       CHECK:   arith.truncf %{{.*}} : f32 to bf16
func.func @w4a8_group_scaled(%a: tensor<?x256xi8>, %w: tensor<8x128xi8>, %ws: tensor<8x4xf32>, %as: tensor<?x4xf32>, %b: tensor<8xf32>) -> tensor<?x8xbf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 64> scale %ws) input(#quantx.scheme<i8, axis = 1, group = 64> scale %as) bias(%b) : (tensor<?x256xi8>, tensor<8x128xi8>, tensor<8x4xf32>, tensor<?x4xf32>, tensor<8xf32>) -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// -----

// Groups of 16 int4 codes are 8 bytes, less than a step: the reference
// lowering.
// CHECK-LABEL: func @w4a8_small_groups
//   CHECK-NOT:   call @__quantx_kernel
//       CHECK:   quantx.matmul
func.func @w4a8_small_groups(%a: tensor<2x64xi8>, %w: tensor<8x32xi8>, %ws: tensor<8x4xf32>, %as: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 16> scale %ws) input(#quantx.scheme<i8, axis = 1, group = 16> scale %as) : (tensor<2x64xi8>, tensor<8x32xi8>, tensor<8x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// An f32 Linear whose weight is stored in bf16 (a mixed linalg.matmul:
// the weight is extended to f32 exactly): the f32 kernel reads bf16
// vectors and extends them in registers.
// CHECK-LABEL: func @linear_bf16_weights
//       CHECK:   call @[[K:.*]](%{{.*}}, %{{.*}}, %{{.*}}) : (memref<?x64xf32>, memref<32x64xbf16>, memref<?x32xf32>) -> ()
//       CHECK: func.func private @[[K]](
//  CHECK-SAME:   kind = "cpu.float"
//  CHECK-SAME:   weight_type = bf16
//       CHECK:   arith.extf %{{.*}} : vector<8xbf16> to vector<8xf32>
func.func @linear_bf16_weights(%x: tensor<?x64xf32>, %w: tensor<32x64xbf16>) -> tensor<?x32xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x64xf32>
  %e = tensor.empty(%m) : tensor<?x32xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x32xf32>) -> tensor<?x32xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<?x64xf32>, tensor<32x64xbf16>) outs(%f : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
