// RUN: quant-opt %s -split-input-file --quantx-from-quant -verify-diagnostics

// quant casts that quantx cannot express are left alone, with a remark.

func.func @custom_range(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-100:100>:f32, 0.5>> {
  // expected-remark@+1 {{left unchanged: storage range [-100, 100] is neither the full nor the narrow range}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-100:100>:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8<-100:100>:f32, 0.5>>
}

// -----
func.func @wide_storage(%q: tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4xf32> {
  // expected-remark@+1 {{left unchanged: only 8-bit and 4-bit integer storage maps to quantx}}
  %d = quant.dcast %q : tensor<4x!quant.uniform<i16:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----
func.func @scalar(%x: f32) -> !quant.uniform<i8:f32, 0.5> {
  // expected-remark@+1 {{left unchanged: only ranked tensor casts are converted}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  return %q : !quant.uniform<i8:f32, 0.5>
}

// -----

func.func @calibrated(%x: tensor<4xf32>) -> tensor<4x!quant.calibrated<f32<-1.0:1.0>>> {
  // expected-remark@+1 {{left unchanged: only uniform per-tensor and per-axis types map to quantx}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.calibrated<f32<-1.0:1.0>>>
  return %q : tensor<4x!quant.calibrated<f32<-1.0:1.0>>>
}

// -----

func.func @zero_point_out_of_storage(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:300>> {
  // expected-remark@+1 {{left unchanged: zero point 300 is outside the storage range [0, 255]}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.5:300>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:300>>
}
