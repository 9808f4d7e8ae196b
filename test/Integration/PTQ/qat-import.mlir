// QAT import: Q/DQ pairs with learned parameters (upstream quant casts) keep
// those parameters through --quantx-ptq and become an integer matmul.
// RUN: quant-opt %s --quantx-from-quant --canonicalize --quantx-qdq-to-fake-quant | FileCheck %s --check-prefix=FQ
// RUN: quant-opt %s --quantx-from-quant --canonicalize --quantx-qdq-to-fake-quant --quantx-ptq=scheme=w8a8 | FileCheck %s --check-prefix=PTQ
// RUN: quant-opt %s --quantx-from-quant --canonicalize --quantx-qdq-to-fake-quant --quantx-ptq=scheme=w8a8 --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// FQ-LABEL: func @linear
//   FQ-DAG:   quantx.fake_quant %arg0 as #quantx.scheme<i8> scale(%{{.*}} : tensor<f32>)
//   FQ-DAG:   quantx.fake_quant %{{.*}} as #quantx.scheme<i8, axis = 0> scale(%{{.*}} : tensor<2xf32>)
//   FQ-NOT:   quant.qcast

// The learned scales are used (not recomputed): activation 0.5, weights
// 0.5 and 0.25 per output channel; weight codes [[2, -2], [2, 8]]. The
// constant activation scale is then folded into the weight scales
// (0.5 * [0.5, 0.25]), leaving 1.0 as the matmul's input scale.
// PTQ-LABEL: func @linear
//   PTQ-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[}}2, -2], [2, 8]]> : tensor<2x2xi8>
//   PTQ-DAG:   %[[WS:.*]] = arith.constant dense<[2.500000e-01, 1.250000e-01]> : tensor<2xf32>
//   PTQ-DAG:   %[[AS:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
//   PTQ-DAG:   %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
//       PTQ:   %[[Q:.*]] = quantx.quantize %arg0 as #quantx.scheme<i8> scale(%[[AS]] : tensor<f32>)
//       PTQ:   quantx.matmul %[[Q]], %[[W]] weight(#quantx.scheme<i8, axis = 0> scale %[[WS]]) input(#quantx.scheme<i8> scale %[[ONE]])
func.func @linear(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>
  %wq = quant.qcast %w : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wd = quant.dcast %wq : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> to tensor<2x2xf32>
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%xd, %wd : tensor<1x2xf32>, tensor<2x2xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }
func.func @main() {
  // x = [1, 2] -> codes [2, 4]; acc = [2*2 + 4*-2, 2*2 + 4*8] = [-4, 36];
  // y = [-4 * 0.5 * 0.5, 36 * 0.5 * 0.25] = [-1, 4.5] (= x . W^T in float).
  %x = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %y = call @linear(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %u = tensor.cast %y : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  // CHECK: {{\[\[}}-1,   4.5]]
  return
}
