// A TOSA model (tosa.matmul takes 3-D operands; the weight has batch 1)
// through upstream's --tosa-to-linalg-pipeline, then --quantx-ptq: the
// linalg.batch_matmul is quantized (unbatched into a 2-D quantx.matmul), the
// report says so from the IR produced, and a batch matmul with a different
// weight per batch is listed as float with its reason.
//
// RUN: mlir-opt %s --tosa-to-linalg-pipeline -o %t.linalg.mlir
// RUN: quant-opt %t.linalg.mlir --quantx-ptq="scheme=w8a16 report=%t.report.txt" -o %t.q.mlir 2>%t.remarks
// RUN: FileCheck %s --check-prefix=IR < %t.q.mlir
// RUN: FileCheck %s --check-prefix=REPORT < %t.report.txt
// RUN: FileCheck %s --check-prefix=REMARK < %t.remarks
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[[1, 2, 3, 4], [-1, 0, 1, 2]]], np.float32))"
// RUN: quant-run %t.q.mlir -e linear -i %t.x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC
// The float model (weights still in tosa.const) runs through the CPU pipeline too.
// RUN: quant-run %t.linalg.mlir -e linear -i %t.x.npy --print-results 2>&1 | FileCheck %s --check-prefix=EXEC

// Every weight column holds +-127, so the per-channel int8 scales are 1 and
// the codes are the weights: y = x W exactly, by hand:
//   row 0: [1 + 6 - 381 + 32, -2 + 254 + 18 - 36, 127 - 10 + 21 + 40] = [-342, 234, 178]
//   row 1: [-1 + 0 - 127 + 16, 2 + 0 + 6 - 18, -127 + 0 + 7 + 20]    = [-112, -10, -100]
// EXEC: result 0: <f4 (1, 2, 3)
// EXEC-NEXT: [-342, 234, 178, -112, -10, -100]

// IR-LABEL: func.func @linear
// IR: tensor.collapse_shape
// IR: quantx.matmul {{.*}} weight(#quantx.scheme<i8, axis = 0> {{.*}} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
// IR: tensor.expand_shape
// IR-LABEL: func.func @per_batch
// IR-NOT: quantx.
// IR: linalg.batch_matmul {{.*}}quantx.kept_float
// IR-NOT: quantx.fake_quant

// 4 x 3 f32 = 48 bytes; 12 int8 codes + 3 f32 scales = 24 bytes.
// REPORT: linear.batch_matmul.0    i8/channel                   4x3                    48           24   2.00x      INF          0  quantized
// REPORT: per_batch.batch_matmul.0 float                        2x4x3                  96           96   1.00x        -          -  left in float: 'linalg.batch_matmul' multiplies a different weight in each batch
// REPORT: total                                                                       144          120   1.20x

// REMARK: remark: 'per_batch.batch_matmul.0' left in float: 'linalg.batch_matmul' multiplies a different weight in each batch (quantized matmuls are 2-D)

func.func @linear(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, -2.0, 127.0], [3.0, 127.0, -5.0],
                                        [-127.0, 6.0, 7.0], [8.0, -9.0, 10.0]]]> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

func.func @per_batch(%x: tensor<2x2x4xf32>) -> tensor<2x2x3xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x4x3xf32>} : () -> tensor<2x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<2x2x4xf32>, tensor<2x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x2x3xf32>
  return %y : tensor<2x2x3xf32>
}
