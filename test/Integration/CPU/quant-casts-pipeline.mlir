// Upstream quant casts go through the CPU pipeline as they are: the
// pipeline imports them (--quantx-from-quant), so dcast(qcast(x)) keeps its
// rounding and saturation instead of folding to x.
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: not quant-opt %S/../../Conversion/Inputs/quant-unimportable.mlir --quantx-cpu-pipeline 2>&1 | FileCheck %s --check-prefix=LEFT

func.func @fake_quant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes { llvm.emit_c_interface }

func.func @main() {
  // x / 0.5 = [0.5, 1.5, -1.5, 200]: ties to even [0, 2, -2], 200
  // saturates at 127; times 0.5.
  %x = arith.constant dense<[0.25, 0.75, -0.75, 100.0]> : tensor<4xf32>
  %y = call @fake_quant(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %u = tensor.cast %y : tensor<4xf32> to tensor<*xf32>
  // CHECK: [0, 1, -1, 63.5]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// A cast the import cannot express is a located error naming the reason
// (and is not folded away).
// LEFT: quant-unimportable.mlir:3:8: error: cannot be imported into quantx: storage range [-100, 100] is neither the full nor the narrow range
