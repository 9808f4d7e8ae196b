// RUN: quant-opt %s --quantx-lower-parameters --split-input-file | FileCheck %s

// Parameter globals become external memref globals named after their key;
// loads become read-only to_tensor of memref.get_global. Inline-valued
// immutable globals become private constant memref globals.

// CHECK-LABEL: module
// CHECK-DAG: memref.global constant @"quantx.param:model.w" : memref<8x4xbf16>
// CHECK-DAG: memref.global constant @"quantx.param:renamed" : memref<8xf32>
// CHECK-DAG: memref.global "private" constant @table : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-NOT: ml_program
// CHECK-LABEL: func.func @f
// CHECK: %[[W:.*]] = memref.get_global @"quantx.param:model.w" : memref<8x4xbf16>
// CHECK: bufferization.to_tensor %[[W]] restrict : memref<8x4xbf16> to tensor<8x4xbf16>
// CHECK: %[[B:.*]] = memref.get_global @"quantx.param:renamed" : memref<8xf32>
// CHECK: bufferization.to_tensor %[[B]] restrict
// CHECK: memref.get_global @table
module {
  ml_program.global private @"model.w"(#ml_program.extern : tensor<8x4xbf16>) : tensor<8x4xbf16>
  ml_program.global private @b(#ml_program.extern : tensor<8xf32>) : tensor<8xf32> {quantx.parameter = "renamed"}
  ml_program.global private @table(dense<[1.0, 2.0]> : tensor<2xf32>) : tensor<2xf32>
  func.func @f() -> (tensor<8x4xbf16>, tensor<8xf32>, tensor<2xf32>) {
    %w = ml_program.global_load_const @"model.w" : tensor<8x4xbf16>
    %b = ml_program.global_load_const @b : tensor<8xf32>
    %t = ml_program.global_load_const @table : tensor<2xf32>
    return %w, %b, %t : tensor<8x4xbf16>, tensor<8xf32>, tensor<2xf32>
  }
}
