// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @unknown_storage(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{unknown storage kind 'i7'; expected one of i8, u8, i4, u4, nf4, f8E4M3FN, f8E5M2}}
  %0 = quantx.quantize %x as #quantx.scheme<i7> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @unknown_param(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{unknown scheme parameter 'blocks'; expected 'axis', 'group' or 'narrow'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, blocks = 2> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @group_without_axis(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{a group size needs an axis to group along}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, group = 2> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @zero_group(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{group size must be positive, got 0}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0, group = 0> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @negative_axis(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{axis must be non-negative, got -1}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = -1> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @narrow_fp8(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{'narrow' applies to integer storage only, not f8E4M3FN}}
  %0 = quantx.quantize %x as #quantx.scheme<f8E4M3FN, narrow> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.quantize' op the scheme axis 2 is out of range for a rank-2 tensor}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 2> scale(%s : tensor<8xf32>) : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @group_not_dividing(%x: tensor<4x48xf32>, %s: tensor<4x2xf32>) {
  // expected-error@+1 {{'quantx.quantize' op the group size 32 does not divide dimension 1 of size 48}}
  %0 = quantx.quantize %x as #quantx.scheme<i4, axis = 1, group = 32> scale(%s : tensor<4x2xf32>) : tensor<4x48xf32> -> tensor<4x48xi4>
  return
}

// -----

func.func @per_tensor_scale_shape(%x: tensor<4x8xf32>, %s: tensor<1xf32>) {
  // expected-error@+1 {{'quantx.quantize' op the scale must have shape [] for #quantx.scheme<i8> on a tensor of shape [4, 8], got 'tensor<1xf32>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<1xf32>) : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @per_channel_scale_shape(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.quantize' op the scale must have shape [4] for #quantx.scheme<i8, axis = 0> on a tensor of shape [4, 8], got 'tensor<8xf32>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0> scale(%s : tensor<8xf32>) : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @group_scale_shape(%q: tensor<4x64xi4>, %s: tensor<4x4xf32>) {
  // expected-error@+1 {{'quantx.dequantize' op the scale must have shape [4, 2] for #quantx.scheme<i4, axis = 1, group = 32> on a tensor of shape [4, 64], got 'tensor<4x4xf32>'}}
  %0 = quantx.dequantize %q as #quantx.scheme<i4, axis = 1, group = 32> scale(%s : tensor<4x4xf32>) : tensor<4x64xi4> -> tensor<4x64xf32>
  return
}

// -----

func.func @zero_scale(%x: tensor<4xf32>) {
  %s = arith.constant dense<[1.0, 0.5, 0.0, 2.0]> : tensor<4xf32>
  // expected-error@+1 {{'quantx.quantize' op the scale must be positive and finite, got 0 at element 2}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0> scale(%s : tensor<4xf32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @negative_scale(%x: tensor<4xf32>) {
  %s = arith.constant dense<-0.5> : tensor<f16>
  // expected-error@+1 {{'quantx.fake_quant' op the scale must be positive and finite, got -0.5 at element 0}}
  %0 = quantx.fake_quant %x as #quantx.scheme<i8> scale(%s : tensor<f16>) : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @inf_scale(%x: tensor<4xf32>) {
  %s = arith.constant dense<0x7F800000> : tensor<f32>
  // expected-error@+1 {{'quantx.quantize' op the scale must be positive and finite, got inf at element 0}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @nan_scale(%x: tensor<4xf32>) {
  %s = arith.constant dense<0x7FC00000> : tensor<f32>
  // expected-error@+1 {{'quantx.quantize' op the scale must be positive and finite, got nan at element 0}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @zero_point_out_of_narrow_range(%x: tensor<4xf32>, %s: tensor<f32>) {
  %z = arith.constant dense<-128> : tensor<i8>
  // expected-error@+1 {{'quantx.quantize' op the zero point -128 at element 0 is outside the range [-127, 127] of #quantx.scheme<i8, narrow>}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, narrow> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @zero_point_out_of_unsigned_narrow_range(%x: tensor<4xf32>, %s: tensor<f32>) {
  %z = arith.constant dense<0> : tensor<i4>
  // expected-error@+1 {{'quantx.quantize' op the zero point 0 at element 0 is outside the range [1, 15] of #quantx.scheme<u4, narrow>}}
  %0 = quantx.quantize %x as #quantx.scheme<u4, narrow> scale(%s : tensor<f32>) zero_point(%z : tensor<i4>) : tensor<4xf32> -> tensor<4xi4>
  return
}

// -----

func.func @zero_point_nf4(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i4>) {
  // expected-error@+1 {{'quantx.quantize' op the zero point is only allowed with integer storage (i8, u8, i4, u4), not nf4}}
  %0 = quantx.quantize %x as #quantx.scheme<nf4> scale(%s : tensor<f32>) zero_point(%z : tensor<i4>) : tensor<4xf32> -> tensor<4xi4>
  return
}

// -----

func.func @zero_point_element_type(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error@+1 {{'quantx.quantize' op the zero point element type must be 'i4' to match u4 storage, got 'i8'}}
  %0 = quantx.quantize %x as #quantx.scheme<u4> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xf32> -> tensor<4xi4>
  return
}

// -----

func.func @zero_point_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<i8>) {
  // expected-error@+1 {{'quantx.quantize' op the zero point must have shape [4] for #quantx.scheme<i8, axis = 0> on a tensor of shape [4, 8], got 'tensor<i8>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0> scale(%s : tensor<4xf32>) zero_point(%z : tensor<i8>) : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @storage_type_mismatch(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.quantize' op quantized element type must be 'i4' for i4 storage, got 'i8'}}
  %0 = quantx.quantize %x as #quantx.scheme<i4> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @fp8_storage_mismatch(%q: tensor<4xf8E5M2>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.dequantize' op quantized element type must be 'f8E4M3FN' for f8E4M3FN storage, got 'f8E5M2'}}
  %0 = quantx.dequantize %q as #quantx.scheme<f8E4M3FN> scale(%s : tensor<f32>) : tensor<4xf8E5M2> -> tensor<4xf32>
  return
}

// -----

func.func @shape_mismatch(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.quantize' op input and result shapes differ: 'tensor<4xf32>' vs 'tensor<5xi8>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<5xi8>
  return
}

// -----

func.func @float_storage_for_quantize(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.quantize' op result #0 must be ranked tensor of 8-bit signless integer or 4-bit signless integer or f8E4M3FN type or f8E5M2 type values, but got 'tensor<4xf32>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @integer_scale(%x: tensor<4xf32>, %s: tensor<i32>) {
  // expected-error@+1 {{'quantx.quantize' op operand #1 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<i32>'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<i32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @fake_quant_type(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.fake_quant' op result type 'tensor<4xf16>' must equal the input type 'tensor<4xf32>'}}
  %0 = quantx.fake_quant %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xf16>
  return
}

// -----

func.func @observe_empty_name(%x: tensor<4xf32>) {
  // expected-error@+1 {{'quantx.observe' op observer name must not be empty}}
  %0 = quantx.observe "" %x : tensor<4xf32>
  return
}

// -----

func.func @observe_axis(%x: tensor<4xf32>) {
  // expected-error@+1 {{'quantx.observe' op axis 1 is out of range for a rank-1 tensor}}
  %0 = quantx.observe "a" %x axis 1 : tensor<4xf32>
  return
}

// -----

func.func @pack_odd(%q: tensor<4x7xi4>) {
  // expected-error@+1 {{'quantx.pack' op innermost dimension 7 must be even to hold two 4-bit values per byte}}
  %0 = quantx.pack %q : tensor<4x7xi4> -> tensor<4x3xi8>
  return
}

// -----

func.func @pack_wrong_size(%q: tensor<4x8xi4>) {
  // expected-error@+1 {{'quantx.pack' op innermost dimension of the packed tensor must be 4, got 8}}
  %0 = quantx.pack %q : tensor<4x8xi4> -> tensor<4x8xi8>
  return
}

// -----

func.func @unpack_outer(%p: tensor<4x4xi8>) {
  // expected-error@+1 {{'quantx.unpack' op outer dimensions of 'tensor<3x8xi4>' and 'tensor<4x4xi8>' differ}}
  %0 = quantx.unpack %p : tensor<4x4xi8> -> tensor<3x8xi4>
  return
}

// -----

func.func @matmul_rank(%a: tensor<2x4x8xf32>, %w: tensor<8x8xi8>, %s: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op expects rank-2 input, weight and result, got 'tensor<2x4x8xf32>', 'tensor<8x8xi8>' and 'tensor<4x8xf32>'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %s) : (tensor<2x4x8xf32>, tensor<8x8xi8>, tensor<f32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @matmul_k_mismatch(%a: tensor<1x64xf16>, %w: tensor<8x64xi8>, %s: tensor<8x4xf16>) {
  // expected-error@+1 {{'quantx.matmul' op input has K = 64 but the weight holds K = 128 (packed)}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<1x64xf16>, tensor<8x64xi8>, tensor<8x4xf16>) -> tensor<1x8xf16>
  return
}

// -----

func.func @matmul_weight_elt(%a: tensor<1x64xf16>, %w: tensor<8x64xi4>, %s: tensor<8x2xf16>) {
  // expected-error@+1 {{'quantx.matmul' op weight element type must be 'i8' for i4 storage (packed two per byte), got 'i4'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) : (tensor<1x64xf16>, tensor<8x64xi4>, tensor<8x2xf16>) -> tensor<1x8xf16>
  return
}

// -----

func.func @matmul_result_shape(%a: tensor<2x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.matmul' op result shape must be [2, 8], got 'tensor<2x4xf32>'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<2x64xf32>, tensor<8x64xi8>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_weight_group(%a: tensor<1x64xf16>, %w: tensor<8x32xi8>, %s: tensor<8x3xf16>) {
  // expected-error@+1 {{'quantx.matmul' op weight group size 3 does not divide dimension 1 of size 64}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 3> scale %s) : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x3xf16>) -> tensor<1x8xf16>
  return
}

// -----

func.func @matmul_int_activation_without_scheme(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.matmul' op weight-only matmul needs f32, f16 or bf16 input, got 'i8'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_grouped_int_axis0(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<4x64xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op weight scheme #quantx.scheme<i8, axis = 0, group = 2> must be per tensor, per row/channel (axis = 0) or grouped along K (axis = 1) in an integer matmul, because its scales are applied after the reduction}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0, group = 2> scale %s) input(#quantx.scheme<i8> scale %as) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<4x64xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_grouped_int_sizes(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8x2xf32>, %as: tensor<1x4xf32>) {
  // expected-error@+1 {{'quantx.matmul' op input and weight groups along K must have the same size, got 16 and 32}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 1, group = 32> scale %s) input(#quantx.scheme<i8, axis = 1, group = 16> scale %as) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8x2xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_grouped_int_bias(%a: tensor<1x64xi8>, %w: tensor<8x32xi8>, %s: tensor<8x2xf32>, %as: tensor<1x2xf32>, %b: tensor<8xi32>) {
  // expected-error@+1 {{'quantx.matmul' op a group-scaled integer matmul takes a float bias (an i32 bias has no single scale)}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) input(#quantx.scheme<i8, axis = 1, group = 32> scale %as) bias(%b) : (tensor<1x64xi8>, tensor<8x32xi8>, tensor<8x2xf32>, tensor<1x2xf32>, tensor<8xi32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_grouped_int_requantize(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<1x2xf32>, %os: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op a group-scaled integer matmul cannot requantize its output; quantize the float result instead}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8, axis = 1, group = 32> scale %as) output(#quantx.scheme<i8> scale %os) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<1x2xf32>, tensor<f32>) -> tensor<1x8xi8>
  return
}

// -----

func.func @matmul_grouped_fp8(%a: tensor<1x64xf8E4M3FN>, %w: tensor<8x64xf8E4M3FN>, %s: tensor<8x2xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op weight scheme #quantx.scheme<f8E4M3FN, axis = 1, group = 32> must be per tensor or per row/channel (axis = 0) in an FP8 matmul, because its scales are applied after the reduction; group-wise weights need float or integer activations}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN, axis = 1, group = 32> scale %s) input(#quantx.scheme<f8E4M3FN> scale %as) : (tensor<1x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>, tensor<8x2xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_mixed(%a: tensor<1x64xf8E4M3FN>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op input storage f8E4M3FN cannot be combined with weight storage i8; integer inputs need integer weights and FP8 inputs FP8 weights}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<f8E4M3FN> scale %as) : (tensor<1x64xf8E4M3FN>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_int4_input(%a: tensor<1x64xi4>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op 4-bit activations are not supported; use i8, u8 or an FP8 input scheme}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i4> scale %as) : (tensor<1x64xi4>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_output_without_input(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %os: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op an output scheme needs a quantized input; quantize the float result instead}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) output(#quantx.scheme<i8> scale %os) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xi8>
  return
}

// -----

func.func @matmul_output_per_channel(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>, %os: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.matmul' op output scheme #quantx.scheme<i8, axis = 1> must be per tensor}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8> scale %as) output(#quantx.scheme<i8, axis = 1> scale %os) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<8xf32>) -> tensor<1x8xi8>
  return
}

// -----

func.func @matmul_float_result_with_output(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>, %os: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op result element type must be 'i8' for u8 output storage, got 'f32'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8> scale %as) output(#quantx.scheme<u8> scale %os) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_int_result_without_output(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op result element type must be f32, f16 or bf16 without an output scheme, got 'i32'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8> scale %as) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xi32>
  return
}

// -----

func.func @matmul_input_zero_scale(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>) {
  %as = arith.constant dense<0.0> : tensor<f32>
  // expected-error@+1 {{'quantx.matmul' op input scale must be positive and finite, got 0 at element 0}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8> scale %as) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_generic_missing_scheme(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op input scale or zero point given without an input scheme}}
  %0 = "quantx.matmul"(%a, %w, %s, %as) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0, 0>, rhs_scheme = #quantx.scheme<i8, axis = 0>}> : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

// Regressions found by fuzzing: none of these may crash.

func.func @matmul_bad_segments(%a: tensor<4x16xf32>, %w: tensor<8x16xi8>) {
  // expected-error@+1 {{'quantx.matmul' op needs exactly one input and one weight (operandSegmentSizes)}}
  %0 = "quantx.matmul"(%a, %w, %w) <{rhs_scheme = #quantx.scheme<i8>, operandSegmentSizes = array<i32: 1, 2, 0, 0, 0, 0, 0, 0, 0>}> : (tensor<4x16xf32>, tensor<8x16xi8>, tensor<8x16xi8>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scale_zero_point_mismatch(%x: tensor<?xf32>) {
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %z = arith.constant dense<1> : tensor<64xi8>
  // expected-error@+1 {{'quantx.quantize' op the zero point 'tensor<64xi8>' and scale 'tensor<1xf32>' must have the same shape}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0> scale(%s : tensor<1xf32>) zero_point(%z : tensor<64xi8>) : tensor<?xf32> -> tensor<?xi8>
  return
}

// -----

// Static sizes count from whichever side knows them.
func.func @static_input_dynamic_result(%q: tensor<3x5xi4>, %s: tensor<3x2xf32>) {
  // expected-error@+1 {{'quantx.dequantize' op the group size 2 does not divide dimension 1 of size 5}}
  %0 = quantx.dequantize %q as #quantx.scheme<i4, axis = 1, group = 2> scale(%s : tensor<3x2xf32>) : tensor<3x5xi4> -> tensor<3x?xf32>
  return
}

// -----

func.func @matmul_static_result_rows(%a: tensor<?x16xi8>, %w: tensor<8x16xi8>, %s: tensor<8xf32>, %as: tensor<5xf32>) {
  // expected-error@+1 {{'quantx.matmul' op input scale must have shape [3] for #quantx.scheme<i8, axis = 0> on a tensor of shape [3, 16], got 'tensor<5xf32>'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8, axis = 0> scale %as) : (tensor<?x16xi8>, tensor<8x16xi8>, tensor<8xf32>, tensor<5xf32>) -> tensor<3x8xf32>
  return
}

// -----

func.func @encoding(%a: tensor<4x16xf32>, %w: tensor<8x16xi8>, %s: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.matmul' op does not support tensors with an encoding, got 'tensor<4x8xf32, "enc">'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) : (tensor<4x16xf32>, tensor<8x16xi8>, tensor<8xf32>) -> tensor<4x8xf32, "enc">
  return
}

// -----

func.func @axis_true(%x: tensor<4xf32>, %s: tensor<4xf32>) {
  // expected-error@+1 {{expected an integer for 'axis', got 'true'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = true> scale(%s : tensor<4xf32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @duplicate_key(%x: tensor<4xf32>, %s: tensor<4xf32>) {
  // expected-error@+1 {{duplicate scheme parameter 'axis'}}
  %0 = quantx.quantize %x as #quantx.scheme<i8, axis = 0, axis = 0> scale(%s : tensor<4xf32>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

// Bias and raw-accumulator rules.

func.func @matmul_weight_only_needs_scale(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>) {
  // expected-error@+1 {{'quantx.matmul' op weight scheme given without a weight scale; only an integer matmul with neither input nor weight scales (an i32 result) may omit it}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) : (tensor<1x64xf32>, tensor<8x64xi8>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_half_scaled(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %as: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op weight scheme given without a weight scale}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8> scale %as) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<f32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_raw_needs_i32(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>) {
  // expected-error@+1 {{'quantx.matmul' op an integer matmul without scales returns the i32 accumulator, got result element type 'f32'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) : (tensor<1x64xi8>, tensor<8x64xi8>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_raw_fp8(%a: tensor<1x64xf8E4M3FN>, %w: tensor<8x64xf8E4M3FN>) {
  // expected-error@+1 {{'quantx.matmul' op weight scheme given without a weight scale}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<f8E4M3FN>) input(#quantx.scheme<f8E4M3FN>) : (tensor<1x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_bias_shape(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'quantx.matmul' op bias must have shape [8] (one value per output channel), got 'tensor<4xf32>'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) bias(%b) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_int_bias_weight_only(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %b: tensor<8xi32>) {
  // expected-error@+1 {{'quantx.matmul' op an i32 bias is added to the integer accumulator and needs an integer matmul; use a float bias}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) bias(%b) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<8xf32>, tensor<8xi32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_float_bias_requant(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %as: tensor<f32>, %os: tensor<f32>, %b: tensor<8xf32>) {
  // expected-error@+1 {{'quantx.matmul' op a float bias needs a float result; a requantizing or raw integer matmul takes an i32 bias}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) input(#quantx.scheme<i8> scale %as) bias(%b) output(#quantx.scheme<i8> scale %os) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<8xf32>, tensor<f32>, tensor<f32>, tensor<8xf32>) -> tensor<1x8xi8>
  return
}

// -----

func.func @matmul_bias_type(%a: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8xf32>, %b: tensor<8xi8>) {
  // expected-error@+1 {{'quantx.matmul' op bias element type must be i32 (integer accumulator) or f32, f16 or bf16, got 'i8'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %s) bias(%b) : (tensor<1x64xf32>, tensor<8x64xi8>, tensor<8xf32>, tensor<8xi8>) -> tensor<1x8xf32>
  return
}

// -----

func.func @matmul_raw_with_output(%a: tensor<1x64xi8>, %w: tensor<8x64xi8>, %os: tensor<f32>) {
  // expected-error@+1 {{'quantx.matmul' op an output scheme needs input and weight scales}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) output(#quantx.scheme<i8> scale %os) : (tensor<1x64xi8>, tensor<8x64xi8>, tensor<f32>) -> tensor<1x8xi8>
  return
}

// -----

func.func @matmul_accumulator_type_integer(%a: tensor<4x16xi8>, %w: tensor<8x16xi8>) {
  // expected-error@+1 {{'quantx.matmul' op accumulator_type applies to weight-only matmuls (integer and FP8 sums are exact)}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i8>) input(#quantx.scheme<i8>) {accumulator_type = i32} : (tensor<4x16xi8>, tensor<8x16xi8>) -> tensor<4x8xi32>
  return
}

// -----

func.func @matmul_accumulator_type_mismatch(%a: tensor<1x64xf32>, %w: tensor<8x32xi8>, %s: tensor<8x2xf16>) {
  // expected-error@+1 {{'quantx.matmul' op accumulator_type 'f16' needs input and result elements of that type, got 'f32' and 'f16'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) {accumulator_type = f16} : (tensor<1x64xf32>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
  return
}

// -----

func.func @matmul_accumulator_type_kind(%a: tensor<1x64xf16>, %w: tensor<8x32xi8>, %s: tensor<8x2xf16>) {
  // expected-error@+1 {{'quantx.matmul' op accumulator_type must be f16, bf16 or f32, got 'f64'}}
  %0 = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 32> scale %s) {accumulator_type = f64} : (tensor<1x64xf16>, tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<1x8xf16>
  return
}
