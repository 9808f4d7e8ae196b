// RUN: quant-opt %s -split-input-file --quantx-lower-to-linalg | FileCheck %s

// Groups along the innermost dimension: the loops run over (rows, groups,
// group size), so the scale and zero point are indexed by the group loop
// (an affine innermost loop), and the result is collapsed back.
//   CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
//   CHECK-DAG: #[[$GRP:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @quantize_group_asym
//  CHECK-SAME:   (%[[X:.*]]: tensor<4x64xf32>, %[[S:.*]]: tensor<4x2xf32>, %[[Z:.*]]: tensor<4x2xi4>)
//   CHECK-DAG:   %[[MIN:.*]] = arith.constant 0.000000e+00 : f32
//   CHECK-DAG:   %[[MAX:.*]] = arith.constant 1.500000e+01 : f32
//       CHECK:   %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [4, 2, 32] : tensor<4x64xf32> into tensor<4x2x32xf32>
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<4x2x32xi4>
//       CHECK:   %[[G:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$GRP]], #[[$GRP]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[XG]], %[[S]], %[[Z]] : {{.*}}) outs(%[[E]] : tensor<4x2x32xi4>)
//       CHECK:   ^bb0(%[[IN:.*]]: f32, %[[SC:.*]]: f32, %[[ZP:.*]]: i4, %{{.*}}: i4):
//       CHECK:     %[[ZP32:.*]] = arith.extui %[[ZP]] : i4 to i32
//       CHECK:     %[[D:.*]] = arith.divf %[[IN]], %[[SC]] : f32
//       CHECK:     %[[R:.*]] = math.roundeven %[[D]] : f32
//       CHECK:     %[[ZPF:.*]] = arith.sitofp %[[ZP32]] : i32 to f32
//       CHECK:     %[[A:.*]] = arith.addf %[[R]], %[[ZPF]] : f32
//       CHECK:     %[[LO:.*]] = arith.maximumf %[[A]], %[[MIN]] : f32
//       CHECK:     %[[HI:.*]] = arith.minimumf %[[LO]], %[[MAX]] : f32
//       CHECK:     %[[NAN:.*]] = arith.cmpf uno, %[[D]], %[[D]] : f32
//       CHECK:     %[[SEL:.*]] = arith.select %[[NAN]], %[[ZPF]], %[[HI]] : f32
//       CHECK:     %[[I:.*]] = arith.fptosi %[[SEL]] : f32 to i32
//       CHECK:     %[[T:.*]] = arith.trunci %[[I]] : i32 to i4
//       CHECK:     linalg.yield %[[T]] : i4
//       CHECK:   %[[R:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2]] : tensor<4x2x32xi4> into tensor<4x64xi4>
//       CHECK:   return %[[R]]
func.func @quantize_group_asym(%x: tensor<4x64xf32>, %s: tensor<4x2xf32>, %z: tensor<4x2xi4>) -> tensor<4x64xi4> {
  %0 = quantx.quantize %x as #quantx.scheme<u4, axis = 1, group = 32> scale(%s : tensor<4x2xf32>) zero_point(%z : tensor<4x2xi4>) : tensor<4x64xf32> -> tensor<4x64xi4>
  return %0 : tensor<4x64xi4>
}

// -----

//   CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @dequantize_per_channel_dynamic
//  CHECK-SAME:   (%[[Q:.*]]: tensor<?x?xi8>, %[[S:.*]]: tensor<?xf16>)
//   CHECK-DAG:   %[[D0:.*]] = tensor.dim %[[Q]], %c0
//   CHECK-DAG:   %[[D1:.*]] = tensor.dim %[[Q]], %c1
//       CHECK:   %[[E:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xbf16>
//       CHECK:   linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
//       CHECK:   ^bb0(%[[IN:.*]]: i8, %[[SC:.*]]: f16, %{{.*}}: bf16):
//       CHECK:     %[[SC32:.*]] = arith.extf %[[SC]] : f16 to f32
//       CHECK:     %[[I:.*]] = arith.extsi %[[IN]] : i8 to i32
//       CHECK:     %[[F:.*]] = arith.sitofp %[[I]] : i32 to f32
//       CHECK:     %[[M:.*]] = arith.mulf %[[F]], %[[SC32]] : f32
//       CHECK:     %[[T:.*]] = arith.truncf %[[M]] : f32 to bf16
//       CHECK:     linalg.yield %[[T]] : bf16
func.func @dequantize_per_channel_dynamic(%q: tensor<?x?xi8>, %s: tensor<?xf16>) -> tensor<?x?xbf16> {
  %0 = quantx.dequantize %q as #quantx.scheme<i8, axis = 0> scale(%s : tensor<?xf16>) : tensor<?x?xi8> -> tensor<?x?xbf16>
  return %0 : tensor<?x?xbf16>
}

// -----

// CHECK-LABEL: func @fake_quant_fp8
//       CHECK:   linalg.generic
//       CHECK:     arith.divf
//       CHECK:     math.absf
//       CHECK:     arith.minimumf %{{.*}}, %cst{{.*}} : f32
//       CHECK:     math.roundeven
//       CHECK:     arith.cmpf olt
//       CHECK:     arith.cmpf uno
//       CHECK:     arith.bitcast %{{.*}} : i8 to f8E4M3FN
//       CHECK:     arith.bitcast %{{.*}} : f8E4M3FN to i8
//       CHECK:     math.copysign
//       CHECK:     arith.mulf
//       CHECK:     linalg.yield %{{.*}} : f32
//   CHECK-NOT:   quantx.
func.func @fake_quant_fp8(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf32> {
  %0 = quantx.fake_quant %x as #quantx.scheme<f8E4M3FN> scale(%s : tensor<f32>) : tensor<8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

//   CHECK-DAG: #[[$LO:.*]] = affine_map<(d0, d1) -> (d0, d1 * 2)>
//   CHECK-DAG: #[[$HI:.*]] = affine_map<(d0, d1) -> (d0, d1 * 2 + 1)>
//   CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[$HALF:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: func @pack_unpack
//  CHECK-SAME:   (%[[Q:.*]]: tensor<?x?xi4>, %[[P:.*]]: tensor<3x4xi8>)
//       CHECK:   %[[D:.*]] = tensor.dim %[[Q]], %c1
//       CHECK:   %[[REM:.*]] = arith.remui %[[D]], %c2
//       CHECK:   %[[EVEN:.*]] = arith.cmpi eq, %[[REM]], %c0
//       CHECK:   cf.assert %[[EVEN]], "quantx.pack: innermost dimension must be even"
//       CHECK:   %[[D1:.*]] = tensor.dim %[[Q]], %c1
//       CHECK:   %[[H:.*]] = affine.apply #{{.*}}()[%[[D1]]]
//       CHECK:   tensor.empty(%{{.*}}, %[[H]]) : tensor<?x?xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[$LO]], #[[$HI]], #[[$ID]]]
//       CHECK:   ^bb0(%[[A:.*]]: i4, %[[B:.*]]: i4, %{{.*}}: i8):
//       CHECK:     %[[AL:.*]] = arith.extui %[[A]] : i4 to i8
//       CHECK:     %[[BL:.*]] = arith.extui %[[B]] : i4 to i8
//       CHECK:     %[[BH:.*]] = arith.shli %[[BL]], %c4_i8 : i8
//       CHECK:     %[[O:.*]] = arith.ori %[[AL]], %[[BH]] : i8
//       CHECK:     linalg.yield %[[O]] : i8
//       CHECK:   tensor.empty() : tensor<3x8xi4>
//       CHECK:   linalg.generic {indexing_maps = [#[[$HALF]], #[[$ID]]]
//       CHECK:     %[[K:.*]] = linalg.index 1 : index
//       CHECK:     arith.andi %[[K]], %c1
//       CHECK:     arith.shrui %{{.*}}, %c4_i8 : i8
//       CHECK:     arith.select
//       CHECK:     arith.trunci %{{.*}} : i8 to i4
func.func @pack_unpack(%q: tensor<?x?xi4>, %p: tensor<3x4xi8>) -> (tensor<?x?xi8>, tensor<3x8xi4>) {
  %0 = quantx.pack %q : tensor<?x?xi4> -> tensor<?x?xi8>
  %1 = quantx.unpack %p : tensor<3x4xi8> -> tensor<3x8xi4>
  return %0, %1 : tensor<?x?xi8>, tensor<3x8xi4>
}

// -----

// W4A16: the packed weight is read through `k floordiv 2`, the group scale
// through `k floordiv 32`, and the weight is dequantized inside the
// reduction (it never exists unpacked in memory).
//   CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
//   CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 2)>
//   CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 32)>
//   CHECK-DAG: #[[$O:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @matmul_w4a16
//       CHECK:   %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x8xf32>)
//       CHECK:   %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$W]], #[[$S]], #[[$O]]], iterator_types = ["parallel", "parallel", "reduction"]}
//  CHECK-SAME:     outs(%[[FILL]] : tensor<1x8xf32>)
//       CHECK:     linalg.index 2
//       CHECK:     arith.trunci %{{.*}} : i8 to i4
//       CHECK:     arith.extsi %{{.*}} : i4 to i32
//       CHECK:     arith.mulf
//       CHECK:     arith.extf %{{.*}} : f16 to f32
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   linalg.generic
//       CHECK:     arith.truncf %{{.*}} : f32 to f16
func.func @matmul_w4a16(%a: tensor<1x64xf16>, %w: tensor<8x32xi8>, %s: tensor<8x2xf16>) -> tensor<1x8xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
  return %0 : tensor<1x8xf16>
}

// -----

// accumulator_type = f16: the weight rounded to f16, products and sums in
// f16 (the source's accumulation), no epilogue without a bias.
// CHECK-LABEL: func @matmul_w4a16_f16_accumulator
//       CHECK:   linalg.fill ins(%{{.*}} : f16)
//       CHECK:   %[[ACC:.*]] = linalg.generic
//       CHECK:     %[[W:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
//       CHECK:     %[[WH:.*]] = arith.truncf %[[W]] : f32 to f16
//       CHECK:     %[[P:.*]] = arith.mulf %{{.*}}, %[[WH]] : f16
//       CHECK:     arith.addf %{{.*}}, %[[P]] : f16
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[ACC]]
func.func @matmul_w4a16_f16_accumulator(%a: tensor<1x64xf16>, %w: tensor<8x32xi8>, %s: tensor<8x2xf16>) -> tensor<1x8xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) {accumulator_type = f16} : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
  return %0 : tensor<1x8xf16>
}

// -----

// W8A8: a plain i32 dot product of the raw codes, the input zero point
// applied afterwards with the weight's row sums, then one epilogue applying
// sa * sw and requantizing with (sa * sw) / so.
//   CHECK-DAG: #[[$N2:.*]] = affine_map<(d0, d1) -> (d1)>
//   CHECK-DAG: #[[$T2:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func @matmul_w8a8_requant
//       CHECK:   linalg.fill ins(%{{.*}} : i32)
//       CHECK:   %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
//       CHECK:     arith.extui %{{.*}} : i8 to i32
//       CHECK:     arith.extsi %{{.*}} : i8 to i32
//   CHECK-NOT:     arith.subi
//       CHECK:     arith.muli
//       CHECK:     arith.addi
//       CHECK:   %[[RSW:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg1 : tensor<8x64xi8>)
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[$T2]], #[[$N2]], #[[$T2]], #[[$N2]], #[[$T2]], #[[$T2]], #{{.*}}]
//  CHECK-SAME:     ins(%[[ACC]], %arg4, %[[RSW]], %arg3, %arg2, %arg5, %arg6 : tensor<4x8xi32>, tensor<i8>, tensor<8xi32>, tensor<f32>, tensor<8xf32>, tensor<f32>, tensor<i8>)
//       CHECK:     arith.muli
//       CHECK:     arith.subi
//       CHECK:     arith.sitofp %{{.*}} : i32 to f32
//       CHECK:     %[[SASW:.*]] = arith.mulf
//       CHECK:     %[[MULT:.*]] = arith.divf %[[SASW]], %{{.*}} : f32
//       CHECK:     arith.mulf %{{.*}}, %[[MULT]] : f32
//       CHECK:     math.roundeven
//       CHECK:     arith.trunci %{{.*}} : i32 to i8
func.func @matmul_w8a8_requant(%a: tensor<4x64xi8>, %w: tensor<8x64xi8>, %ws: tensor<8xf32>, %as: tensor<f32>, %az: tensor<i8>, %os: tensor<f32>, %oz: tensor<i8>) -> tensor<4x8xi8> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws) input(#quantx.scheme<u8> scale %as zero_point %az) output(#quantx.scheme<u8> scale %os zero_point %oz) : (tensor<4x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

// A constant weight with a constant input zero point: the per-channel term
// bias - za * rowsum(W) + K * za * zw is computed at compile time:
//   [100 - 3 * 2 + 4 * 3 * 1, 200 - 3 * 26 + 4 * 3 * (-2)] = [106, 98];
// only the weight zero point's term needs the input's row sums.
// CHECK-LABEL: func @matmul_const_weight_zero_points
//   CHECK-DAG:   %[[TERM:.*]] = arith.constant dense<[106, 98]> : tensor<2xi32>
//       CHECK:   %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]}
//       CHECK:   %[[RSA:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<2x4xi8>)
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%[[ACC]], %[[TERM]], %{{.*}}, %[[RSA]], %arg1, %{{.*}} : tensor<2x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<2xi32>, tensor<f32>, tensor<2xf32>)
//       CHECK:     arith.addi
//       CHECK:     arith.subi
func.func @matmul_const_weight_zero_points(%a: tensor<2x4xi8>, %as: tensor<f32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1, 2, 3, -4], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %az = arith.constant dense<3> : tensor<i8>
  %wz = arith.constant dense<[1, -2]> : tensor<2xi8>
  %b = arith.constant dense<[100, 200]> : tensor<2xi32>
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws zero_point %wz) input(#quantx.scheme<u8> scale %as zero_point %az) bias(%b) : (tensor<2x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>, tensor<2xi32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// The raw accumulator without zero points is just the contraction.
// CHECK-LABEL: func @matmul_raw
//       CHECK:   %[[ACC:.*]] = linalg.generic
//       CHECK:     arith.muli
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[ACC]]
func.func @matmul_raw(%a: tensor<4x16xi8>, %w: tensor<8x16xi8>) -> tensor<4x8xi32> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) : (tensor<4x16xi8>, tensor<8x16xi8>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

// A group-scaled integer matmul (W4A8, groups of 32 along K): exact i32
// sums per group over the input and weight viewed as rows x groups x G,
// then the f32 sum over the groups of f32(acc) * (sa * sw), then the bias
// and the f16 result.
//   CHECK-DAG: #[[$A3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
//   CHECK-DAG: #[[$W3:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3 floordiv 2)>
//   CHECK-DAG: #[[$ACC3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
//   CHECK-DAG: #[[$SA:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
//   CHECK-DAG: #[[$SW:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @matmul_w4a8_group_scaled
//       CHECK:   %[[A:.*]] = tensor.expand_shape %arg0 {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 2, 32] : tensor<?x64xi8> into tensor<?x2x32xi8>
//       CHECK:   %[[W:.*]] = tensor.expand_shape %arg1 {{\[}}[0], [1, 2]] output_shape [8, 2, 16] : tensor<8x32xi8> into tensor<8x2x16xi8>
//       CHECK:   %[[SUMS:.*]] = linalg.generic {indexing_maps = [#[[$A3]], #[[$W3]], #[[$ACC3]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[A]], %[[W]] : {{.*}}) outs(%{{.*}} : tensor<?x8x2xi32>)
//       CHECK:     linalg.index 3
//       CHECK:     arith.muli %{{.*}} : i32
//       CHECK:     arith.addi %{{.*}} : i32
//       CHECK:   %[[Y:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[$SA]], #[[$SW]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SUMS]], %arg3, %arg2 : {{.*}}) outs(%{{.*}} : tensor<?x8xf32>)
//       CHECK:     %[[S:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
//       CHECK:     %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f32
//       CHECK:     %[[P:.*]] = arith.mulf %[[F]], %[[S]] : f32
//       CHECK:     arith.addf %{{.*}}, %[[P]] : f32
//       CHECK:   linalg.generic {{.*}} ins(%[[Y]], %arg4 : tensor<?x8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<?x8xf16>)
//       CHECK:     arith.addf
//       CHECK:     arith.truncf %{{.*}} : f32 to f16
func.func @matmul_w4a8_group_scaled(%a: tensor<?x64xi8>, %w: tensor<8x32xi8>, %ws: tensor<8x2xf32>, %as: tensor<?x2xf32>, %b: tensor<8xf32>) -> tensor<?x8xf16> {
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %ws) input(#quantx.scheme<i8, axis = 1, group = 32> scale %as) bias(%b) : (tensor<?x64xi8>, tensor<8x32xi8>, tensor<8x2xf32>, tensor<?x2xf32>, tensor<8xf32>) -> tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}

// -----

// Observers are forwarded.
// CHECK-LABEL: func @observe
//  CHECK-SAME:   (%[[X:.*]]: tensor<4xf32>)
//  CHECK-NEXT:   return %[[X]]
func.func @observe(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = quantx.observe "x" %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Weights stored in tiles (the CPU kernels' layout of parameter files) that
// no kernel reads: the unpack becomes a transpose and a reshape.
// CHECK-LABEL: func @tiled_weight
//       CHECK:   linalg.transpose ins(%{{.*}} : tensor<2x2x4x16xi8>) outs(%{{.*}} : tensor<2x4x2x16xi8>) permutation = [0, 2, 1, 3]
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2, 3]] : tensor<2x4x2x16xi8> into tensor<8x32xi8>
//   CHECK-NOT:   linalg.unpack
func.func @tiled_weight(%t: tensor<2x2x4x16xi8>) -> tensor<8x32xi8> {
  %e = tensor.empty() : tensor<8x32xi8>
  %w = linalg.unpack %t inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %e : tensor<2x2x4x16xi8> -> tensor<8x32xi8>
  return %w : tensor<8x32xi8>
}

// -----

// A dynamic grouped dimension: checked to be a multiple of the group size
// at run time, then split into K / 16 groups of 16.
//   CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
//   CHECK-DAG: #[[$GRP:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @dequantize_group_dynamic
//  CHECK-SAME:   (%[[Q:.*]]: tensor<3x?xi8>, %[[S:.*]]: tensor<3x?xf32>)
//       CHECK:   %[[K:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<3x?xi8>
//       CHECK:   cf.assert {{.*}} "quantx: group size 16 does not divide dimension 1"
//       CHECK:   %[[G:.*]] = arith.divui %{{.*}}, %{{.*}} : index
//       CHECK:   %[[QG:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2]] output_shape [3, %[[G]], 16] : tensor<3x?xi8> into tensor<3x?x16xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[$ID]], #[[$GRP]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[QG]], %[[S]] : tensor<3x?x16xi8>, tensor<3x?xf32>)
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<3x?x16xf32> into tensor<3x?xf32>
func.func @dequantize_group_dynamic(%q: tensor<3x?xi8>, %s: tensor<3x?xf32>) -> tensor<3x?xf32> {
  %0 = quantx.dequantize %q as #quantx.scheme<i8, axis = 1, group = 16> scale(%s : tensor<3x?xf32>) : tensor<3x?xi8> -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

// Groups along an outer dimension: one loop per dimension, the scale
// indexed by row floordiv G.
//   CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
//   CHECK-DAG: #[[$GRP:.*]] = affine_map<(d0, d1) -> (d0 floordiv 4, d1)>
// CHECK-LABEL: func @quantize_group_outer
//   CHECK-NOT:   tensor.expand_shape
//       CHECK:   linalg.generic {indexing_maps = [#[[$ID]], #[[$GRP]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
func.func @quantize_group_outer(%x: tensor<8x16xf32>, %s: tensor<2x16xf32>) -> tensor<8x16xi8> {
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0, group = 4> scale(%s : tensor<2x16xf32>) : tensor<8x16xf32> -> tensor<8x16xi8>
  return %0 : tensor<8x16xi8>
}
