// RUN: rm -rf %t && mkdir -p %t && %python %S/Inputs/tiled_weights.py make %t
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/w.safetensors output=%t/tiled.safetensors scheme=w4a16 group-size=32" -o %t/tiled.mlir
// RUN: FileCheck %s < %t/tiled.mlir
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/w.safetensors output=%t/rows.safetensors scheme=w4a16 group-size=32 tile-weights=false" -o %t/rows.mlir
// RUN: FileCheck %s --check-prefix=ROWS < %t/rows.mlir
// RUN: quant-opt %s --quantx-quantize-parameters="params=%t/w.safetensors output=%t/gpu.safetensors scheme=w4a16 group-size=32 target=gpu" | FileCheck %s --check-prefix=ROWS
// RUN: %python %S/Inputs/tiled_weights.py check %t/rows.safetensors %t/tiled.safetensors | FileCheck %s --check-prefix=FILE
// RUN: quant-params %t/tiled.safetensors | FileCheck %s --check-prefix=META
// The same results from both layouts, through the kernels (16 lanes where
// the CPU has AVX-512, 8 with AVX2, 8 portable lanes) and through the
// reference lowering (the unpack as a transpose).
// RUN: quant-run %t/rows.mlir -i %t/x.npy -o %t/out-rows
// RUN: quant-run %t/tiled.mlir -i %t/x.npy -o %t/out-tiled
// RUN: quant-run %t/tiled.mlir -i %t/x.npy -o %t/out-ref --pipeline-options=kernels=false
// RUN: %if cpu-avx2 %{ quant-run %t/tiled.mlir -i %t/x.npy -o %t/out-avx2 --pipeline-options=cpu-features=avx2 %}
// RUN: quant-run %t/tiled.mlir -i %t/x.npy -o %t/out-portable --pipeline-options=cpu-features=none
// RUN: %python %S/../Examples/Inputs/compare_npy.py %t/out-rows/linear.0.npy %t/out-tiled/linear.0.npy 0.00001 | FileCheck %s --check-prefix=SAME
// RUN: %python %S/../Examples/Inputs/compare_npy.py %t/out-rows/linear.0.npy %t/out-ref/linear.0.npy 0.00001 | FileCheck %s --check-prefix=SAME
// RUN: %if cpu-avx2 %{ %python %S/../Examples/Inputs/compare_npy.py %t/out-rows/linear.0.npy %t/out-avx2/linear.0.npy 0.00001 | FileCheck %s --check-prefix=SAME %}
// RUN: %python %S/../Examples/Inputs/compare_npy.py %t/out-rows/linear.0.npy %t/out-portable/linear.0.npy 0.00001 | FileCheck %s --check-prefix=SAME

// With target=cpu (the default), the 4-bit codes of a weight-only matmul
// are stored in the CPU kernels' tiles of 4 rows x 16 bytes and read
// through a linalg.unpack, which the kernels look through.
// CHECK: ml_program.global private @w.qweight(#{{.*}}) : tensor<2x2x4x16xi8>
// CHECK-LABEL: func.func @linear
// CHECK: %[[T:.*]] = ml_program.global_load_const @w.qweight : tensor<2x2x4x16xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8x32xi8>
// CHECK: %[[W:.*]] = linalg.unpack %[[T]] inner_dims_pos = [0, 1] inner_tiles = [4, 16] into %[[E]] : tensor<2x2x4x16xi8> -> tensor<8x32xi8>
// CHECK: quantx.matmul %{{.*}}, %[[W]] weight(#quantx.scheme<i4, axis = 1, group = 32>

// ROWS: ml_program.global private @w.qweight(#{{.*}}) : tensor<8x32xi8>
// ROWS-NOT: linalg.unpack

// FILE: rows [8, 32] tiled [2, 2, 4, 16] same tiles
// META: w.qweight U8 [2, 2, 4, 16] 256
// META: metadata w = {{.*}}"layout":"N/4 x K/32 x 4 x 16 bytes: tiles of 4 rows x 16 bytes
// SAME: 16 values, relative error {{.*}} below
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (n, k)>
#out = affine_map<(m, n, k) -> (m, n)>
module {
  ml_program.global private @w(#ml_program.extern : tensor<8x64xf32>) : tensor<8x64xf32>
  func.func @linear(%x: tensor<2x64xf32>) -> tensor<2x8xf32> {
    %w = ml_program.global_load_const @w : tensor<8x64xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<2x8xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
    %y = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %w : tensor<2x64xf32>, tensor<8x64xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32>
    return %y : tensor<2x8xf32>
  }
}
