// RUN: quant-opt %s -split-input-file --quantx-to-quant -verify-diagnostics

// quantx ops that !quant.uniform cannot express are left alone, with a remark.

func.func @group(%x: tensor<4x8xf32>, %s: tensor<4x2xf32>) -> tensor<4x8xi4> {
  // expected-remark@+1 {{left unchanged: group-wise schemes are not converted to !quant.uniform}}
  %q = quantx.quantize %x as #quantx.scheme<i4, axis = 1, group = 4> scale(%s : tensor<4x2xf32>) : tensor<4x8xf32> -> tensor<4x8xi4>
  return %q : tensor<4x8xi4>
}

// -----
func.func @runtime_scale(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  // expected-remark@+1 {{left unchanged: scales are not constant}}
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----
func.func @nf4(%q: tensor<4xi4>) -> tensor<4xf32> {
  %s = arith.constant dense<1.0> : tensor<f32>
  // expected-remark@+1 {{left unchanged: NF4 and FP8 storage have no !quant.uniform equivalent}}
  %d = quantx.dequantize %q as #quantx.scheme<nf4> scale(%s : tensor<f32>) : tensor<4xi4> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @f16_scale_out_of_range(%x: tensor<4xf16>) -> tensor<4xi8> {
  %s = arith.constant dense<1.0e-30> : tensor<f32>
  // expected-remark@+1 {{left unchanged: !quant.uniform rejects it: scale out of expressed type range}}
  %q = quantx.quantize %x as #quantx.scheme<i8> scale(%s : tensor<f32>) : tensor<4xf16> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @no_scales(%x: tensor<0x3xf32>) -> tensor<0x3xi8> {
  %s = arith.constant dense<> : tensor<0xf32>
  // expected-remark@+1 {{left unchanged: there are no scales (empty channel dimension)}}
  %q = quantx.quantize %x as #quantx.scheme<i8, axis = 0> scale(%s : tensor<0xf32>) : tensor<0x3xf32> -> tensor<0x3xi8>
  return %q : tensor<0x3xi8>
}
