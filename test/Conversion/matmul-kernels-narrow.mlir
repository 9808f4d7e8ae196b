// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=16" | FileCheck %s
// RUN: quant-opt %s -split-input-file --quantx-matmul-kernels="vector-width=8" | FileCheck %s --check-prefix=EIGHT

// With 16 lanes a 4-bit kernel steps through 32 codes, more than a group
// of 16: the matmul gets the 8-lane kernel (16 codes per step) instead of
// the reference loops.
// CHECK-LABEL: func @i4_group16
//       CHECK:   call @__quantx_kernel_i4_{{.*}}_vl8_
//       CHECK: func.func private @__quantx_kernel_i4_{{.*}}_vl8_
//  CHECK-SAME:   vector_width = 8
// EIGHT-LABEL: func @i4_group16
//       EIGHT:   call @__quantx_kernel_i4_{{.*}}_vl8_
func.func @i4_group16(%a: tensor<1x64xf32>, %w: tensor<32x32xi8>, %s: tensor<32x4xf32>) -> tensor<1x32xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 16> scale %s) : (tensor<1x64xf32>, tensor<32x32xi8>, tensor<32x4xf32>) -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}

// -----

// K = 48 is no multiple of the 16-lane integer step (32 bytes) but is of
// the 8-lane one (16 bytes).
// CHECK-LABEL: func @w8a8_k48
//       CHECK:   call @__quantx_kernel_i8xi8_{{.*}}_vl8_
func.func @w8a8_k48(%a: tensor<2x48xi8>, %w: tensor<8x48xi8>, %ws: tensor<8xf32>, %as: tensor<f32>) -> tensor<2x8xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<i8> scale %as) : (tensor<2x48xi8>, tensor<8x48xi8>, tensor<8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Groups of 8 fit neither width: the reference lowering keeps it.
// CHECK-LABEL: func @i4_group8
//   CHECK-NOT:   call @__quantx_kernel
//       CHECK:   quantx.matmul
func.func @i4_group8(%a: tensor<1x64xf32>, %w: tensor<32x32xi8>, %s: tensor<32x8xf32>) -> tensor<1x32xf32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 8> scale %s) : (tensor<1x64xf32>, tensor<32x32xi8>, tensor<32x8xf32>) -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}
