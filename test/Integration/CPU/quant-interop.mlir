// Upstream quant.qcast/quant.dcast run with quant-opt's exact numerics
// (round half to even, saturation) after --quantx-from-quant.
// RUN: quant-opt %s --quantx-from-quant --canonicalize --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @main() {
  // scale 0.5, zero point 3:
  //   0.25 / 0.5 = 0.5  -> 0 (tie to even) + 3 = 3   -> (3 - 3) * 0.5 = 0
  //   0.75 / 0.5 = 1.5  -> 2 (tie to even) + 3 = 5   -> 1
  //   -1   / 0.5 = -2   -> -2 + 3 = 1                 -> -1
  //   100  / 0.5 = 200  -> 203, saturates to 127      -> (127 - 3) * 0.5 = 62
  //   -100 / 0.5 = -200 -> -197, saturates to -128    -> (-128 - 3) * 0.5 = -65.5
  %x = arith.constant dense<[0.25, 0.75, -1.0, 100.0, -100.0]> : tensor<5xf32>
  %q = quant.qcast %x : tensor<5xf32> to tensor<5x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<5x!quant.uniform<i8:f32, 0.5:3>> to tensor<5xf32>
  %u = tensor.cast %d : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  // CHECK: [0,  1,  -1,  62,  -65.5]

  // Unsigned per-axis: column 0 scale 1 zp 128, column 1 scale 0.25 zp 10.
  //   [-200, 1.125] -> [-72 -> 0, 4.5 -> 4 (tie to even) + 10 = 14]
  //                 -> [(0 - 128) * 1 = -128, (14 - 10) * 0.25 = 1]
  //   [200, -5]     -> [328 -> 255, -20 + 10 = -10 -> 0]
  //                 -> [127, (0 - 10) * 0.25 = -2.5]
  %y = arith.constant dense<[[-200.0, 1.125], [200.0, -5.0]]> : tensor<2x2xf32>
  %qy = quant.qcast %y : tensor<2x2xf32> to tensor<2x2x!quant.uniform<u8:f32:1, {1.0:128, 0.25:10}>>
  %dy = quant.dcast %qy : tensor<2x2x!quant.uniform<u8:f32:1, {1.0:128, 0.25:10}>> to tensor<2x2xf32>
  %uy = tensor.cast %dy : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%uy) : (tensor<*xf32>) -> ()
  // CHECK:      [-128,   1],
  // CHECK-NEXT: [127,   -2.5]
  return
}
