// RUN: quant-opt %s -split-input-file --quantx-instrument-observers | FileCheck %s

// Each quantx.observe becomes a call of @quantx_observe with the
// observer's index (in walk order), its axis (-1: per tensor) and the
// values as an unranked f32 tensor; the value itself is forwarded. The
// callee is declared once (read-only argument, C interface) and the module
// lists the observers' names by index.

// CHECK-LABEL: module attributes {quantx.observers = ["fc1.input", "fc1.weight"]}
//       CHECK: func.func @f(%[[X:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<32x64xbf16>)
//       CHECK:   %[[XC:.*]] = tensor.cast %[[X]] : tensor<?x64xf32> to tensor<*xf32>
//   CHECK-DAG:   %[[I0:.*]] = arith.constant 0 : i64
//   CHECK-DAG:   %[[NOAXIS:.*]] = arith.constant -1 : i64
//       CHECK:   call @quantx_observe(%[[I0]], %[[NOAXIS]], %[[XC]])
//       CHECK:   %[[WF:.*]] = arith.extf %[[W]] : tensor<32x64xbf16> to tensor<32x64xf32>
//       CHECK:   %[[WC:.*]] = tensor.cast %[[WF]] : tensor<32x64xf32> to tensor<*xf32>
//   CHECK-DAG:   %[[I1:.*]] = arith.constant 1 : i64
//   CHECK-DAG:   %[[AXIS:.*]] = arith.constant 0 : i64
//       CHECK:   call @quantx_observe(%[[I1]], %[[AXIS]], %[[WC]])
//       CHECK:   return %[[X]], %[[W]]
//       CHECK: func.func private @quantx_observe(i64, i64, tensor<*xf32> {bufferization.access = "read"}) attributes {llvm.emit_c_interface}
//   CHECK-NOT: quantx.observe
func.func @f(%x: tensor<?x64xf32>, %w: tensor<32x64xbf16>) -> (tensor<?x64xf32>, tensor<32x64xbf16>) {
  %0 = quantx.observe "fc1.input" %x : tensor<?x64xf32>
  %1 = quantx.observe "fc1.weight" %w axis 0 : tensor<32x64xbf16>
  return %0, %1 : tensor<?x64xf32>, tensor<32x64xbf16>
}

// -----

// A module without observers gets an empty list and no declaration.
// CHECK-LABEL: module attributes {quantx.observers = []}
//   CHECK-NOT: quantx_observe
func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A hand-written @quantx_observe of the right type is reused.
// CHECK-LABEL: module attributes {quantx.observers = ["y"]}
//       CHECK: func.func private @quantx_observe(i64, i64, tensor<*xf32>)
//   CHECK-NOT: func.func private @quantx_observe
func.func private @quantx_observe(i64, i64, tensor<*xf32>)
func.func @h(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = quantx.observe "y" %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
