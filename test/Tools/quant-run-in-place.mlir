// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([1, 2, 3, 4], np.float32))"
// RUN: quant-run %s -i %t.npy --warmup 2 --iterations 3 --print-results 2>&1 | FileCheck %s

// The argument is updated in place ({bufferization.writable = true}) and
// returned: the runner gets it back without a copy out of the model, and
// gives each call a copy of the input, so repeated calls see the same
// input: cache[0] + 10 once, not five times.
// CHECK: result 0: <f4 (4)
// CHECK-NEXT: [11, 2, 3, 4]
// CHECK: result 1: <f4 (1)
// CHECK-NEXT: [11]
// The input file is unchanged.
// RUN: %python -c "import numpy as np; print(np.load('%t.npy'))" | FileCheck %s --check-prefix=SAME
// SAME: [1. 2. 3. 4.]
func.func @step(%cache: tensor<4xf32> {bufferization.writable = true}) -> (tensor<4xf32>, tensor<1xf32>) {
  %c0 = arith.constant 0 : index
  %ten = arith.constant 10.0 : f32
  %v = tensor.extract %cache[%c0] : tensor<4xf32>
  %w = arith.addf %v, %ten : f32
  %updated = tensor.insert %w into %cache[%c0] : tensor<4xf32>
  %out = tensor.from_elements %w : tensor<1xf32>
  return %updated, %out : tensor<4xf32>, tensor<1xf32>
}
