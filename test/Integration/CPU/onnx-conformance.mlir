// The examples of the ONNX operator specification (onnx/defs/quantization,
// the node test cases) run through quantx ops and must give the published
// outputs exactly. The outputs below were re-derived by hand or with an
// independent f32 reference of the ONNX formulas, and agree with ONNX's.
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// Every linalg op outlined into shared functions: the same results.
// RUN: quant-opt %s --quantx-cpu-pipeline="outline-min-ops=0" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @print_u8(%t: tensor<?xi8>) {
  %e = arith.extui %t : tensor<?xi8> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

// ONNX DynamicQuantizeLinear (uint8):
//   y_scale = (max(0, max(x)) - min(0, min(x))) / 255
//   y_zero_point = saturate(round_half_to_even(0 - min(0, min(x)) / y_scale))
//   y = saturate(round_half_to_even(x / y_scale) + y_zero_point)
// The scale computation is model code; the quantization is quantx.
func.func @dynamic_quantize_linear(%x: tensor<?xf32>) -> tensor<?xi8> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  // [min(0, min x), max(0, max x)]
  %mm = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (j)>],
                        iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<?xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %j = linalg.index 1 : index
    %c0 = arith.constant 0 : index
    %is_min = arith.cmpi eq, %j, %c0 : index
    %lo = arith.minimumf %acc, %v : f32
    %hi = arith.maximumf %acc, %v : f32
    %r = arith.select %is_min, %lo, %hi : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %mn = tensor.extract %mm[%c0] : tensor<2xf32>
  %mx = tensor.extract %mm[%c1] : tensor<2xf32>
  %range = arith.subf %mx, %mn : f32
  %c255 = arith.constant 255.0 : f32
  %scale = arith.divf %range, %c255 : f32
  %q = arith.divf %mn, %scale : f32
  %nq = arith.subf %zero, %q : f32
  %r = math.roundeven %nq : f32
  %rc = arith.maximumf %r, %zero : f32
  %rcc = arith.minimumf %rc, %c255 : f32
  %zi = arith.fptosi %rcc : f32 to i32
  %z8 = arith.trunci %zi : i32 to i8
  %s = tensor.from_elements %scale : tensor<f32>
  %z = tensor.from_elements %z8 : tensor<i8>
  %y = quantx.quantize %x as #quantx.scheme<u8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<?xf32> -> tensor<?xi8>
  return %y : tensor<?xi8>
}

func.func @main() {
  // QuantizeLinear, uint8: x / 2 + 128 with ties to even and saturation.
  // CHECK: [128,  129,  130,  255,  1,  0]
  %x = arith.constant dense<[0.0, 2.0, 3.0, 1000.0, -254.0, -1000.0]> : tensor<6xf32>
  %s = arith.constant dense<2.0> : tensor<f32>
  %z = arith.constant dense<-128> : tensor<i8>  // 128 as u8
  %q = quantx.quantize %x as #quantx.scheme<u8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<6xf32> -> tensor<6xi8>
  %qd = tensor.cast %q : tensor<6xi8> to tensor<?xi8>
  call @print_u8(%qd) : (tensor<?xi8>) -> ()

  // DequantizeLinear, uint8: (x - 128) * 2.
  // CHECK: [-256,  -250,  0,  254]
  %dq_in = arith.constant dense<[0, 3, -128, -1]> : tensor<4xi8>  // 0, 3, 128, 255
  %dq = quantx.dequantize %dq_in as #quantx.scheme<u8> scale(%s : tensor<f32>) zero_point(%z : tensor<i8>) : tensor<4xi8> -> tensor<4xf32>
  %dqu = tensor.cast %dq : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%dqu) : (tensor<*xf32>) -> ()

  // DynamicQuantizeLinear: scale 5/255, zero point 153.
  // CHECK: [153,  255,  0,  26,  221,  179]
  %d1 = arith.constant dense<[0.0, 2.0, -3.0, -2.5, 1.34, 0.5]> : tensor<6xf32>
  %d1d = tensor.cast %d1 : tensor<6xf32> to tensor<?xf32>
  %y1 = call @dynamic_quantize_linear(%d1d) : (tensor<?xf32>) -> tensor<?xi8>
  call @print_u8(%y1) : (tensor<?xi8>) -> ()
  // All negative: scale 4/255, zero point 255.
  // CHECK: [191,  121,  172,  96,  42,  0]
  %d2 = arith.constant dense<[-1.0, -2.1, -1.3, -2.5, -3.34, -4.0]> : tensor<6xf32>
  %d2d = tensor.cast %d2 : tensor<6xf32> to tensor<?xf32>
  %y2 = call @dynamic_quantize_linear(%d2d) : (tensor<?xf32>) -> tensor<?xi8>
  call @print_u8(%y2) : (tensor<?xi8>) -> ()

  // MatMulInteger: A (uint8, zero point 12) x B (uint8, zero point 0),
  // exact i32 results; with unit scales the float result is the integer.
  // CHECK: [-38,   -83],
  // CHECK: [-44,   -98],
  // CHECK: [-50,   -113],
  // CHECK: [-56,   -128]
  %a = arith.constant dense<[[11, 7, 3], [10, 6, 2], [9, 5, 1], [8, 4, 0]]> : tensor<4x3xi8>
  %bt = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>  // B transposed (N x K)
  %one = arith.constant dense<1.0> : tensor<f32>
  %za = arith.constant dense<12> : tensor<i8>
  %mi = quantx.matmul %a, %bt weight(#quantx.scheme<u8> scale %one) input(#quantx.scheme<u8> scale %one zero_point %za) : (tensor<4x3xi8>, tensor<2x3xi8>, tensor<f32>, tensor<f32>, tensor<i8>) -> tensor<4x2xf32>
  %miu = tensor.cast %mi : tensor<4x2xf32> to tensor<*xf32>
  call @printMemrefF32(%miu) : (tensor<*xf32>) -> ()

  // QLinearMatMul, uint8 throughout:
  //   a_scale 0.0066, a_zp 113; b_scale 0.00705, b_zp 114; y_scale 0.0107, y_zp 118.
  // CHECK: [168,  115,  255,  1,  66,  151]
  %qa = arith.constant dense<[[-48, -20, 0, -18], [3, -42, -1, 29]]> : tensor<2x4xi8>     // [[208, 236, 0, 238], [3, 214, 255, 29]]
  %qb = arith.constant dense<[[-104, 60, 0, 127], [51, 26, 127, -2], [-12, -1, -10, -9]]> : tensor<3x4xi8>  // B^T of [[152, 51, 244], [60, 26, 255], [0, 127, 246], [127, 254, 247]]
  %sa = arith.constant dense<0.0066> : tensor<f32>
  %zqa = arith.constant dense<113> : tensor<i8>
  %sb = arith.constant dense<0.00705> : tensor<f32>
  %zqb = arith.constant dense<114> : tensor<i8>
  %sy = arith.constant dense<0.0107> : tensor<f32>
  %zy = arith.constant dense<118> : tensor<i8>
  %ql = quantx.matmul %qa, %qb weight(#quantx.scheme<u8> scale %sb zero_point %zqb) input(#quantx.scheme<u8> scale %sa zero_point %zqa) output(#quantx.scheme<u8> scale %sy zero_point %zy) : (tensor<2x4xi8>, tensor<3x4xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  %qlc = tensor.collapse_shape %ql [[0, 1]] : tensor<2x3xi8> into tensor<6xi8>
  %qld = tensor.cast %qlc : tensor<6xi8> to tensor<?xi8>
  call @print_u8(%qld) : (tensor<?xi8>) -> ()
  return
}
