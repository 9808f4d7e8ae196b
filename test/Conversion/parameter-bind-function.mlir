// RUN: quant-opt %s --quantx-cpu-pipeline="parameter-binding=function" | FileCheck %s
// RUN: quant-opt %s --quantx-cpu-pipeline | FileCheck %s --check-prefix=SYMBOLS

// Ahead-of-time binding: the parameter becomes an internal pointer that
// quantx_bind_parameters fills through the caller's lookup(ctx, key, bytes);
// the model reads the weight through that pointer.

// CHECK-DAG: llvm.mlir.global internal constant @quantx.param.key.0("model.w\00")
// CHECK-DAG: llvm.mlir.global internal @"quantx.param:model.w"() {{.*}} : !llvm.ptr
// CHECK-LABEL: llvm.func @f
// CHECK: %[[SLOT:.*]] = llvm.mlir.addressof @"quantx.param:model.w" : !llvm.ptr
// CHECK: llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK-LABEL: llvm.func @quantx_bind_parameters(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[BYTES:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK: %[[P:.*]] = llvm.call %arg0(%arg1, %{{.*}}, %[[BYTES]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, i64) -> !llvm.ptr
// CHECK: llvm.store %[[P]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.icmp "eq" %[[P]]
// CHECK: llvm.return

// By default the JIT binds an external symbol instead.
// SYMBOLS: llvm.mlir.global external constant @"quantx.param:model.w"() {{.*}} : !llvm.array<8 x array<4 x f16>>
// SYMBOLS-NOT: quantx_bind_parameters

module {
  ml_program.global private @"model.w"(#ml_program.extern : tensor<8x4xf16>) : tensor<8x4xf16>
  func.func @f() -> tensor<8x4xf16> {
    %w = ml_program.global_load_const @"model.w" : tensor<8x4xf16>
    return %w : tensor<8x4xf16>
  }
}
