// RUN: quant-opt %s -split-input-file --quantx-from-quant --canonicalize | FileCheck %s --check-prefix=FROM
// RUN: quant-opt %s -split-input-file --quantx-from-quant --canonicalize --quantx-to-quant | FileCheck %s --check-prefix=BACK

// A qcast/dcast pair becomes quantize/dequantize; the storage casts between
// them cancel.
// FROM-LABEL: func @per_tensor
//  FROM-SAME:   (%[[X:.*]]: tensor<4xf32>)
//   FROM-DAG:   %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
//   FROM-DAG:   %[[Z:.*]] = arith.constant dense<3> : tensor<i8>
//       FROM:   %[[Q:.*]] = quantx.quantize %[[X]] as #quantx.scheme<i8> scale(%[[S]] : tensor<f32>) zero_point(%[[Z]] : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
//       FROM:   %[[D:.*]] = quantx.dequantize %[[Q]] as #quantx.scheme<i8> scale(%[[S]] : tensor<f32>) zero_point(%[[Z]] : tensor<i8>) : tensor<4xi8> -> tensor<4xf32>
//       FROM:   return %[[D]]
// BACK-LABEL: func @per_tensor
//       BACK:   %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>
//       BACK:   %[[S1:.*]] = quant.scast %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<4xi8>
//       BACK:   %[[S2:.*]] = quant.scast %[[S1]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>
//       BACK:   %[[D:.*]] = quant.dcast %[[S2]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<4xf32>
//       BACK:   return %[[D]]
func.func @per_tensor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Unsigned, per axis, narrow range; a zero zero-point is symmetric (no
// zero-point operand). The quantized value escapes, so the storage cast stays.
// FROM-LABEL: func @per_axis_unsigned
//   FROM-DAG:   %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.500000e-01]> : tensor<2xf32>
//   FROM-DAG:   %[[Z:.*]] = arith.constant dense<[-128, 10]> : tensor<2xi8>
//       FROM:   %[[Q:.*]] = quantx.quantize %{{.*}} as #quantx.scheme<u8, axis = 1, narrow> scale(%[[S]] : tensor<2xf32>) zero_point(%[[Z]] : tensor<2xi8>) : tensor<3x2xf16> -> tensor<3x2xi8>
//       FROM:   %[[C:.*]] = quant.scast %[[Q]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<u8<1:255>:f16:1, {1.000000e+00:128,2.500000e-01:10}>>
//       FROM:   return %[[C]]
// BACK-LABEL: func @per_axis_unsigned
//       BACK:   %[[Q:.*]] = quant.qcast %{{.*}} : tensor<3x2xf16> to tensor<3x2x!quant.uniform<u8<1:255>:f16:1, {1.000000e+00:128,2.500000e-01:10}>>
//       BACK:   %[[S1:.*]] = quant.scast %[[Q]]
//       BACK:   %[[S2:.*]] = quant.scast %[[S1]]
//       BACK:   return %[[S2]]
func.func @per_axis_unsigned(%x: tensor<3x2xf16>) -> tensor<3x2x!quant.uniform<u8<1:255>:f16:1, {1.0:128, 0.25:10}>> {
  %q = quant.qcast %x : tensor<3x2xf16> to tensor<3x2x!quant.uniform<u8<1:255>:f16:1, {1.0:128, 0.25:10}>>
  return %q : tensor<3x2x!quant.uniform<u8<1:255>:f16:1, {1.0:128, 0.25:10}>>
}

// -----

// 4-bit storage, symmetric.
// FROM-LABEL: func @int4
//       FROM:   quantx.dequantize %{{.*}} as #quantx.scheme<i4> scale(%{{.*}} : tensor<f32>) : tensor<8xi4> -> tensor<8xf32>
//   FROM-NOT:   zero_point
// BACK-LABEL: func @int4
//       BACK:   quant.dcast %{{.*}} : tensor<8x!quant.uniform<i4:f32, 1.250000e-01>> to tensor<8xf32>
func.func @int4(%q: tensor<8x!quant.uniform<i4:f32, 0.125>>) -> tensor<8xf32> {
  %d = quant.dcast %q : tensor<8x!quant.uniform<i4:f32, 0.125>> to tensor<8xf32>
  return %d : tensor<8xf32>
}
