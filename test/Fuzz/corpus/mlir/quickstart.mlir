// quant-opt quick start: one linear layer y = x * W^T computed in float and
// with each weight-only scheme, then one fully integer W8A8 layer.
//
//   scripts/example.sh                 (or, by hand:)
//   quant-opt examples/quickstart.mlir --quantx-cpu-pipeline |
//     mlir-runner -e main -entry-point-result=void \
//       -shared-libs=$LIB/libmlir_runner_utils.so,$LIB/libmlir_c_runner_utils.so
//
// The weights are quantized in the program here (quantx.quantize + pack) so
// that every step is visible; compile-time weight quantization folds those
// ops into packed constants.

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

func.func @print(%t: tensor<2x4xf32>) {
  %u = tensor.cast %t : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// Largest |a - b| over the output.
func.func @max_abs_err(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%a, %b : tensor<2x4xf32>, tensor<2x4xf32>) outs(%init : tensor<f32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %d = arith.subf %x, %y : f32
    %ad = math.absf %d : f32
    %m = arith.maximumf %acc, %ad : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

func.func @report(%ref: tensor<2x4xf32>, %y: tensor<2x4xf32>) {
  call @print(%y) : (tensor<2x4xf32>) -> ()
  %err = call @max_abs_err(%ref, %y) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<f32>
  %u = tensor.cast %err : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[0.50, -1.25, 2.00, 0.75, -0.50, 1.50, -2.25, 1.00],
                             [1.75, 0.25, -0.75, -1.50, 2.50, -0.25, 0.50, -1.00]]> : tensor<2x8xf32>
  %w = arith.constant dense<[[ 0.31, -0.72,  0.05,  0.44, -0.18,  0.93, -0.27,  0.12],
                             [-0.55,  0.08,  0.61, -0.34,  0.29, -0.07,  0.83, -0.46],
                             [ 0.14,  0.37, -0.91,  0.22,  0.68, -0.53,  0.01,  0.39],
                             [-0.26, -0.15,  0.47,  0.76, -0.62,  0.20, -0.38,  0.57]]> : tensor<4x8xf32>

  // Float baseline: y[m, n] = sum_k x[m, k] * w[n, k].
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %ref = linalg.matmul
      indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<2x8xf32>, tensor<4x8xf32>) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  vector.print str "float (f32) y = x * W^T:\n"
  call @print(%ref) : (tensor<2x4xf32>) -> ()

  // W8A16: int8, one absmax/127 scale per output channel.
  %s8 = arith.constant dense<[0.0073228, 0.0065354, 0.0071654, 0.0059843]> : tensor<4xf32>
  %q8 = quantx.quantize %w as #quantx.scheme<i8, axis = 0> scale(%s8 : tensor<4xf32>) : tensor<4x8xf32> -> tensor<4x8xi8>
  %y8 = quantx.matmul %x, %q8 weight(#quantx.scheme<i8, axis = 0> scale %s8) : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  vector.print str "W8A16 (int8 per channel): y, then max |y - float|:\n"
  call @report(%ref, %y8) : (tensor<2x4xf32>, tensor<2x4xf32>) -> ()

  // W4A16: int4 in groups of 4 along K, absmax/7 scales, packed two per byte.
  %s4 = arith.constant dense<[[0.1028571, 0.1328571], [0.0871429, 0.1185714],
                              [0.13, 0.0971429], [0.1085714, 0.0885714]]> : tensor<4x2xf32>
  %q4 = quantx.quantize %w as #quantx.scheme<i4, axis = 1, group = 4> scale(%s4 : tensor<4x2xf32>) : tensor<4x8xf32> -> tensor<4x8xi4>
  %p4 = quantx.pack %q4 : tensor<4x8xi4> -> tensor<4x4xi8>
  %y4 = quantx.matmul %x, %p4 weight(#quantx.scheme<i4, axis = 1, group = 4> scale %s4) : (tensor<2x8xf32>, tensor<4x4xi8>, tensor<4x2xf32>) -> tensor<2x4xf32>
  vector.print str "W4A16 (int4, groups of 4): y, then max |y - float|:\n"
  call @report(%ref, %y4) : (tensor<2x4xf32>, tensor<2x4xf32>) -> ()

  // W4A16 NF4: groups of 8 along K, absmax scales.
  %sn = arith.constant dense<[[0.93], [0.83], [0.91], [0.76]]> : tensor<4x1xf32>
  %qn = quantx.quantize %w as #quantx.scheme<nf4, axis = 1, group = 8> scale(%sn : tensor<4x1xf32>) : tensor<4x8xf32> -> tensor<4x8xi4>
  %pn = quantx.pack %qn : tensor<4x8xi4> -> tensor<4x4xi8>
  %yn = quantx.matmul %x, %pn weight(#quantx.scheme<nf4, axis = 1, group = 8> scale %sn) : (tensor<2x8xf32>, tensor<4x4xi8>, tensor<4x1xf32>) -> tensor<2x4xf32>
  vector.print str "W4A16 (NF4, groups of 8): y, then max |y - float|:\n"
  call @report(%ref, %yn) : (tensor<2x4xf32>, tensor<2x4xf32>) -> ()

  // FP8 E4M3 weights, one scale per tensor (absmax / 448).
  %sf = arith.constant dense<0.0020759> : tensor<f32>
  %qf = quantx.quantize %w as #quantx.scheme<f8E4M3FN> scale(%sf : tensor<f32>) : tensor<4x8xf32> -> tensor<4x8xf8E4M3FN>
  %yf = quantx.matmul %x, %qf weight(#quantx.scheme<f8E4M3FN> scale %sf) : (tensor<2x8xf32>, tensor<4x8xf8E4M3FN>, tensor<f32>) -> tensor<2x4xf32>
  vector.print str "FP8 E4M3 weights: y, then max |y - float|:\n"
  call @report(%ref, %yf) : (tensor<2x4xf32>, tensor<2x4xf32>) -> ()

  // W8A8: activations quantized per tensor (absmax 2.5 / 127), integer
  // matmul with i32 accumulation, one rescale at the end.
  %sa = arith.constant dense<0.0196850> : tensor<f32>
  %qa = quantx.quantize %x as #quantx.scheme<i8> scale(%sa : tensor<f32>) : tensor<2x8xf32> -> tensor<2x8xi8>
  %yi = quantx.matmul %qa, %q8 weight(#quantx.scheme<i8, axis = 0> scale %s8) input(#quantx.scheme<i8> scale %sa) : (tensor<2x8xi8>, tensor<4x8xi8>, tensor<4xf32>, tensor<f32>) -> tensor<2x4xf32>
  vector.print str "W8A8 (int8 x int8 -> i32): y, then max |y - float|:\n"
  call @report(%ref, %yi) : (tensor<2x4xf32>, tensor<2x4xf32>) -> ()
  return
}
