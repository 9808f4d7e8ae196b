// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// quantx.matmul with a dynamic M (batch) dimension: the same compiled
// function is called from @main with M = 1 and M = 3. The weights are
// constants inside the functions, as in a deployed model; the activations
// arrive with a dynamic shape, so the op must be lowered for runtime sizes.
// Expected values were derived by hand from the arithmetic in the comments
// (cross-checked with an independent pure-Python model), never copied from
// compiler output.

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

// W4A16: i4 weights, group 4 along K (K = 8), with i4 zero points.
//   codes row 0 = [-8, -1, 0, 7, 3, -3, 5, -5], row 1 = [1, 2, 3, 4, -4, -3, -2, -1]
//   packed two per byte, low nibble = even k (byte = lo & 0xF | (hi & 0xF) << 4):
//   row 0 = [0xF8, 0x70, 0xD3, 0xB5] = [-8, 112, -45, -75]
//   row 1 = [0x21, 0x43, 0xDC, 0xFE] = [33, 67, -36, -2]
//   zero points [[-1, 2], [0, -2]], scales [[0.5, 0.25], [1, 2]]
//   dequantized row 0 = [-7, 0, 1, 8] * 0.5 ++ [1, -5, 3, -7] * 0.25
//                     = [-3.5, 0, 0.5, 4, 0.25, -1.25, 0.75, -1.75]
//   dequantized row 1 = [1, 2, 3, 4] ++ [-2, -1, 0, 1] * 2 = [1, 2, 3, 4, -4, -2, 0, 2]
func.func @w4_dynamic(%a: tensor<?x8xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[-8, 112, -45, -75], [33, 67, -36, -2]]> : tensor<2x4xi8>
  %s = arith.constant dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  %z = arith.constant dense<[[-1, 2], [0, -2]]> : tensor<2x2xi4>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 4> scale %s zero_point %z)
         : (tensor<?x8xf32>, tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi4>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// W8A8: u8 activations (zero point 128, scale 0.125), i8 weights per channel
// (scales [0.5, 0.25]), float result y = acc * 0.125 * sw[n].
//   W = [[1, 2, 3, 4, 5, 6, 7, 8], [-1, 1, -1, 1, -1, 1, -1, 1]]
func.func @w8a8_dynamic(%a: tensor<?x8xi8>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [-1, 1, -1, 1, -1, 1, -1, 1]]> : tensor<2x8xi8>
  %ws = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %as = arith.constant dense<0.125> : tensor<f32>
  %az = arith.constant dense<-128> : tensor<i8>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8, axis = 0> scale %ws)
         input(#quantx.scheme<u8> scale %as zero_point %az)
         : (tensor<?x8xi8>, tensor<2x8xi8>, tensor<2xf32>, tensor<f32>, tensor<i8>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// W8A8 with dynamic per-row input scales (tensor<?xf32>) and a requantize
// epilogue to i8 (sw = 1, so = 1, zo = 0): q = clamp(rne(acc * sa[m]), -128, 127).
//   W = [[1 x 8], [1, -1, 1, -1, 1, -1, 1, -1]]
func.func @w8a8_rows_requant_dynamic(%a: tensor<?x8xi8>, %as: tensor<?xf32>) -> tensor<?x2xi8> {
  %w = arith.constant dense<[[1, 1, 1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1, 1, -1]]> : tensor<2x8xi8>
  %one = arith.constant dense<1.0> : tensor<f32>
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i8> scale %one)
         input(#quantx.scheme<i8, axis = 0> scale %as)
         output(#quantx.scheme<i8> scale %one)
         : (tensor<?x8xi8>, tensor<2x8xi8>, tensor<f32>, tensor<?xf32>, tensor<f32>) -> tensor<?x2xi8>
  return %y : tensor<?x2xi8>
}

func.func @main() {
  // --- W4A16, M = 1: A = [1..8] ---------------------------------------------
  //   n0: -3.5 + 0 + 1.5 + 16 + 1.25 - 7.5 + 5.25 - 14 = -1
  //   n1: 1 + 4 + 9 + 16 - 20 - 12 + 0 + 16 = 14
  %a0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<1x8xf32>
  %d0 = tensor.cast %a0 : tensor<1x8xf32> to tensor<?x8xf32>
  %y0 = call @w4_dynamic(%d0) : (tensor<?x8xf32>) -> tensor<?x2xf32>
  %p0 = tensor.cast %y0 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  // CHECK: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-1,   14]]

  // --- W4A16, M = 3 --------------------------------------------------------
  // row 0 = ones:                          n0 = -1 ; n1 = 10 - 4 = 6
  // row 1 = [0.5, -1, 0, 2, -0.25, 4, 1, -3]:
  //   n0 = -1.75 + 8 - 0.0625 - 5 + 0.75 + 5.25 = 7.1875 ; n1 = 0.5 - 2 + 8 + 1 - 8 - 6 = -6.5
  // row 2 = [-1, 0, 0, 0, 0, 0, 0, 2]:     n0 = 3.5 - 3.5 = 0 ; n1 = -1 + 4 = 3
  %a1 = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                              [0.5, -1.0, 0.0, 2.0, -0.25, 4.0, 1.0, -3.0],
                              [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]]> : tensor<3x8xf32>
  %d1 = tensor.cast %a1 : tensor<3x8xf32> to tensor<?x8xf32>
  %y1 = call @w4_dynamic(%d1) : (tensor<?x8xf32>) -> tensor<?x2xf32>
  %p1 = tensor.cast %y1 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[-1,   6],
  // CHECK-NEXT: [7.1875,   -6.5],
  // CHECK-NEXT: [0,   3]]

  // --- W8A8 u8, M = 1: A = [129..136] (stored -127..-120), A - 128 = [1..8] --
  //   n0: acc = 204 -> 204 * 0.125 * 0.5 = 12.75 ; n1: acc = 4 -> 4 / 32 = 0.125
  %a2 = arith.constant dense<[[-127, -126, -125, -124, -123, -122, -121, -120]]> : tensor<1x8xi8>
  %d2 = tensor.cast %a2 : tensor<1x8xi8> to tensor<?x8xi8>
  %y2 = call @w8a8_dynamic(%d2) : (tensor<?x8xi8>) -> tensor<?x2xf32>
  %p2 = tensor.cast %y2 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[12.75,   0.125]]

  // --- W8A8 u8, M = 3 --------------------------------------------------------
  // row 0 = 128 x 8 (stored -128): A - za = 0            -> [0, 0]
  // row 1 = 255 x 8 (stored -1):   A - za = 127 x 8      -> [127 * 36 / 16 = 285.75, 0]
  // row 2 = [0, 255] x 4:          A - za = [-128, 127] x 4
  //   n0: -128 * 16 + 127 * 20 = 492 -> 30.75 ; n1: 4 * (128 + 127) = 1020 -> 31.875
  %a3 = arith.constant dense<[[-128, -128, -128, -128, -128, -128, -128, -128],
                              [-1, -1, -1, -1, -1, -1, -1, -1],
                              [0, -1, 0, -1, 0, -1, 0, -1]]> : tensor<3x8xi8>
  %d3 = tensor.cast %a3 : tensor<3x8xi8> to tensor<?x8xi8>
  %y3 = call @w8a8_dynamic(%d3) : (tensor<?x8xi8>) -> tensor<?x2xf32>
  %p3 = tensor.cast %y3 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[0,   0],
  // CHECK-NEXT: [285.75,   0],
  // CHECK-NEXT: [30.75,   31.875]]

  // --- per-row scales + requantize, M = 1: A = [1..8], sa = [0.25] ------------
  //   n0: 36 * 0.25 = 9 ; n1: -4 * 0.25 = -1
  %a4 = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8]]> : tensor<1x8xi8>
  %s4 = arith.constant dense<[0.25]> : tensor<1xf32>
  %d4 = tensor.cast %a4 : tensor<1x8xi8> to tensor<?x8xi8>
  %ds4 = tensor.cast %s4 : tensor<1xf32> to tensor<?xf32>
  %y4 = call @w8a8_rows_requant_dynamic(%d4, %ds4) : (tensor<?x8xi8>, tensor<?xf32>) -> tensor<?x2xi8>
  %e4 = arith.extsi %y4 : tensor<?x2xi8> to tensor<?x2xi32>
  %p4 = tensor.cast %e4 : tensor<?x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p4) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [1, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[9,   -1]]

  // --- per-row scales + requantize, M = 3, sa = [0.5, 1/16, 1] ---------------
  // row 0 = ones:             [8 * 0.5 = 4, 0]
  // row 1 = 127 x 8:          [1016 / 16 = 63.5 -> 64 (tie to even), 0]
  // row 2 = [-128, 127] x 4:  [-4, -1020 -> saturates to -128]
  %a5 = arith.constant dense<[[1, 1, 1, 1, 1, 1, 1, 1],
                              [127, 127, 127, 127, 127, 127, 127, 127],
                              [-128, 127, -128, 127, -128, 127, -128, 127]]> : tensor<3x8xi8>
  %s5 = arith.constant dense<[0.5, 0.0625, 1.0]> : tensor<3xf32>
  %d5 = tensor.cast %a5 : tensor<3x8xi8> to tensor<?x8xi8>
  %ds5 = tensor.cast %s5 : tensor<3xf32> to tensor<?xf32>
  %y5 = call @w8a8_rows_requant_dynamic(%d5, %ds5) : (tensor<?x8xi8>, tensor<?xf32>) -> tensor<?x2xi8>
  %e5 = arith.extsi %y5 : tensor<?x2xi8> to tensor<?x2xi32>
  %p5 = tensor.cast %e5 : tensor<?x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p5) : (tensor<*xi32>) -> ()
  // CHECK-NEXT: Unranked Memref {{.*}} sizes = [3, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[}}[4,   0],
  // CHECK-NEXT: [64,   0],
  // CHECK-NEXT: [-4,   -128]]
  return
}
