// RUN: rm -rf %t && %python %S/../Params/Inputs/make_files.py %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/good.safetensors output=%t/q.safetensors scheme=w8a8" | FileCheck %s
// RUN: quant-params %t/q.safetensors | FileCheck %s --check-prefix=FILE
// RUN: %python %S/../Params/Inputs/write_ones.py %t/x.npy 4
// RUN: quant-opt %s --quantx-ptq="scheme=w8a8-dynamic params=%t/good.safetensors params-out=%t/one.safetensors" -o %t/one.mlir
// RUN: FileCheck %s --check-prefix=PTQ < %t/one.mlir
// RUN: quant-run %t/one.mlir -e linear -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC

// Schemes that quantize activations too (w8a8, w8a8-dynamic,
// w8a8-dynamic-row, fp8) get their weight codes from the parameter file as
// well: symmetric per output channel, s = max|w| / 127, codes
// round_half_even(w / s) (ONNX QuantizeLinear):
//   row 0 [0.5, -1, 2, 0.25], s = 2/127: [31.75 -> 32, -63.5 -> -64, 127, 15.875 -> 16]
//   row 1 [1.5, -0.75, 3, -2.5], s = 3/127: [63.5 -> 64, -31.75 -> -32, 127, -105.83 -> -106]
// The matmul reads their dequantization, which --quantx-ptq's activation
// quantization and --quantx-form-quantized-matmul turn into an integer
// matmul on the stored codes.
// CHECK-DAG: ml_program.global private @w.qweight({{.*}}) : tensor<2x4xi8>
// CHECK-DAG: ml_program.global private @w.scales({{.*}}) : tensor<2xf32>
// CHECK-LABEL: func.func @linear
// CHECK: %[[Q:.*]] = ml_program.global_load_const @w.qweight : tensor<2x4xi8>
// CHECK: %[[S:.*]] = ml_program.global_load_const @w.scales : tensor<2xf32>
// CHECK: %[[W:.*]] = quantx.dequantize %[[Q]] as #quantx.scheme<i8, axis = 0> scale(%[[S]] : tensor<2xf32>) : tensor<2x4xi8> -> tensor<2x4xf32>
// CHECK: linalg.matmul {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4xf32>, tensor<2x4xf32>)

// --quantx-ptq: the integer matmul reads the stored codes. For x = [1, 2,
// 3, 4] the dynamic activation scale is 4/127 and its codes
// [31.75 -> 32, 63.5 -> 64, 95.25 -> 95, 127], so
// y0 = (32*32 - 64*64 + 127*95 + 16*127) * 4/127 * 2/127 = 11025 * 8/16129 = 5.468411,
// y1 = (64*32 - 32*64 + 127*95 - 106*127) * 4/127 * 3/127 = -1397 * 12/16129 = -1.039370.
// PTQ: quantx.matmul %{{.*}}, %w.qweight weight(#quantx.scheme<i8, axis = 0> scale %w.scales) input(#quantx.scheme<i8>
// EXEC: [5.4684{{[0-9]*}}, -1.0393{{[0-9]*}}]

// w4a8-dynamic: int4 codes per group of 4 (here one group per row), packed
// two per byte in the file, and int8 activations per group of 4 at run
// time: a group-scaled integer matmul on the stored codes. s0 = 2/7,
// s1 = 3/7; the file holds codes [2, -3, 7, 1] and [4, -2, 7, -6], so for
// x = [1, 2, 3, 4] (codes [32, 64, 95, 127], scale 4/127)
// y0 = (64 - 192 + 665 + 127) * 4/127 * 2/7 = 664 * 8/889 = 5.975253,
// y1 = (128 - 128 + 665 - 762) * 4/127 * 3/7 = -97 * 12/889 = -1.309336.
// RUN: quant-opt %s --quantx-ptq="scheme=w4a8-dynamic group-size=4 params=%t/good.safetensors params-out=%t/w4a8.safetensors" -o %t/w4a8.mlir
// RUN: FileCheck %s --check-prefix=W4A8 < %t/w4a8.mlir
// RUN: quant-run %t/w4a8.mlir -e linear -i %t/x.npy --print-results 2>&1 | FileCheck %s --check-prefix=W4A8-EXEC
// RUN: quant-params %t/w4a8.safetensors | FileCheck %s --check-prefix=W4A8-FILE
// W4A8: quantx.quantize %arg0 as #quantx.scheme<i8, axis = 1, group = 4>
// W4A8: quantx.matmul %{{.*}}, %w.qweight weight(#quantx.scheme<i4, axis = 1, group = 4> scale %w.scales) input(#quantx.scheme<i8, axis = 1, group = 4> scale %{{.*}}) : (tensor<1x4xi8>, tensor<2x2xi8>, tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
// W4A8-EXEC: [5.9752{{[0-9]*}}, -1.3093{{[0-9]*}}]
// W4A8-FILE: w.qweight U8 [2, 2] 4
// W4A8-FILE: w.scales F32 [2, 1] 8

// FILE: w.qweight I8 [2, 4] 8
// FILE: w.scales F32 [2] 8
// FILE: metadata w = {"code_dtype":"I8",{{.*}}"scheme":"w8a8","source":"w","storage":"i8"}

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x2xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
