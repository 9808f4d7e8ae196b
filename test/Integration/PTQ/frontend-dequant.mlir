// Frontend-style weight dequantization (a linalg.generic converting i4 codes
// with group scales and zero points, as torch-mlir/IREE importers write it)
// is raised to quantx.dequantize and fused into quantx.matmul; the packed
// weights stay packed. The fused model computes what the original does.
// RUN: quant-opt %s --quantx-raise-dequantization --quantx-form-quantized-matmul --canonicalize | FileCheck %s --check-prefix=IR
// RUN: quant-opt %s --quantx-raise-dequantization --quantx-form-quantized-matmul --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// IR-LABEL: func @linear
//   IR-NOT:   linalg.generic
//   IR-DAG:   %[[P:.*]] = arith.constant dense<{{\[\[}}33, 67, -2, 127], [-128, 8, 0, 17]]> : tensor<2x4xi8>
// (u4 zero point 8 prints as the i4 bit pattern -8.)
//   IR-DAG:   %[[Z:.*]] = arith.constant dense<{{\[\[}}1, 0], [0, -8]]> : tensor<2x2xi4>
//       IR:   quantx.matmul %arg0, %[[P]] weight(#quantx.scheme<u4, axis = 1, group = 4> scale %{{.*}} zero_point %[[Z]])
//   IR-NOT:   linalg.matmul
func.func @linear(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  // u4 codes (2 x 8), packed low nibble first: row 0 [1,2,3,4,14,15,15,7]
  // -> bytes 0x21, 0x43, 0xFE, 0x7F = 33, 67, -2, 127;
  // row 1 [0,8,8,0,0,0,1,1] -> 0x80, 0x08, 0x00, 0x11 = -128, 8, 0, 17.
  %q = arith.constant dense<[[1, 2, 3, 4, -2, -1, -1, 7], [0, -8, -8, 0, 0, 0, 1, 1]]> : tensor<2x8xi4>
  %s = arith.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %z = arith.constant dense<[[1.0, 0.0], [0.0, 8.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x8xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>, affine_map<(n, k) -> (n, k floordiv 4)>,
                                        affine_map<(n, k) -> (n, k floordiv 4)>, affine_map<(n, k) -> (n, k)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%q, %s, %z : tensor<2x8xi4>, tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%c: i4, %sc: f32, %zp: f32, %o: f32):
    %c32 = arith.extui %c : i4 to i32
    %f = arith.uitofp %c32 : i32 to f32
    %d = arith.subf %f, %zp : f32
    %m = arith.mulf %d, %sc : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x8xf32>, tensor<2x8xf32>) outs(%init : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func @main() {
  // Dequantized weights: row 0: group 0 (q - 1) * 0.5 = [0, 0.5, 1, 1.5],
  // group 1 (q - 0) * 0.25 = [3.5, 3.75, 3.75, 1.75];
  // row 1: group 0 (q - 0) * 1 = [0, 8, 8, 0], group 1 (q - 8) * 2 = [-16, -16, -14, -14].
  // x = all ones: y = [0+0.5+1+1.5+3.5+3.75+3.75+1.75, 0+8+8+0-16-16-14-14] = [15.75, -44].
  %x = arith.constant dense<1.0> : tensor<1x8xf32>
  %y = call @linear(%x) : (tensor<1x8xf32>) -> tensor<1x2xf32>
  %u = tensor.cast %y : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  // CHECK: {{\[\[}}15.75,   -44]]
  return
}
