// tensor.pad through the CPU pipeline: the copy into the padded buffer is
// loops, so the JIT needs no runner utilities (memrefCopy).
// RUN: quant-opt %s --quantx-cpu-pipeline | FileCheck %s --check-prefix=IR
// IR-NOT: memrefCopy
// RUN: %python %S/../../Tools/Inputs/npytool.py write %t.x.npy f4 2,2 1,2,3,4
// RUN: quant-run %s -i %t.x.npy -o %t.out
// RUN: %python %S/../../Tools/Inputs/npytool.py print %t.out/pad.0.npy | FileCheck %s
// CHECK: <f4 (3, 4)
// CHECK: 9 9 9 9 9 1 2 9 9 3 4 9
func.func @pad(%x: tensor<2x2xf32>) -> tensor<3x4xf32> {
  %c = arith.constant 9.0 : f32
  %p = tensor.pad %x low[1, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %c : f32
  } : tensor<2x2xf32> to tensor<3x4xf32>
  return %p : tensor<3x4xf32>
}
