// RUN: quant-opt %s --quantx-cpu-pipeline="openmp=true" | FileCheck %s
// RUN: quant-opt %s --quantx-cpu-pipeline="openmp=false" | FileCheck %s --check-prefix=SERIAL

// With OpenMP, linalg ops of at least 2^16 iterations (attention over a
// long KV cache) run their parallel dimensions on threads; small ones (a
// decode step's hundreds of tiny elementwise ops) stay sequential loops,
// where a fork and join would cost more than they save.
// CHECK-LABEL: llvm.func @big
// CHECK: omp.parallel
// CHECK-LABEL: llvm.func @small
// CHECK-NOT: omp.parallel
// CHECK: llvm.return
// SERIAL-NOT: omp.parallel

#id = affine_map<(i, j) -> (i, j)>
func.func @big(%a: tensor<256x512xf32>) -> tensor<256x512xf32> {
  %e = tensor.empty() : tensor<256x512xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<256x512xf32>) outs(%e : tensor<256x512xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<256x512xf32>
  return %r : tensor<256x512xf32>
}
func.func @small(%a: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
