// --vectorization-remarks names every op whose loops LLVM's loop vectorizer
// left scalar, with its reasons, and the ops it vectorized. The row maximum
// (an arith.maximumf reduction) is vectorized: the CPU pipeline keeps it
// whole (llvm.maximum) instead of expanding it to compares and selects.
//
// REQUIRES: cpu-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import struct; h=\"{'descr': '<f4', 'fortran_order': False, 'shape': (4, 256), }\"; h+=' '*(63-len(h)%%64)+'\n'; open('%t/x.npy','wb').write(b'\x93NUMPY\x01\x00'+struct.pack('<H',len(h))+h.encode()+struct.pack('<1024f',*[i/64 for i in range(1024)]))"
// RUN: quant-run %s -e f -i %t/x.npy --vectorization-remarks --print-results 2>&1 | FileCheck %s
// RUN: quant-run %s -e f -i %t/x.npy --vectorization-remarks --pipeline-options=reassociate-reductions=0 2>&1 | FileCheck %s --check-prefix=STRICT
// RUN: quant-run %s -e f -i %t/x.npy 2>&1 | FileCheck %s --check-prefix=QUIET
// QUIET-NOT: remark
func.func @f(%x: tensor<4x256xf32>) -> (tensor<4x256xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x256xf32>, tensor<4x256xf32>, tensor<4x256xf32>) {
  %e = tensor.empty() : tensor<4x256xf32>
  // CHECK-DAG: vectorization-remarks.mlir:[[# @LINE + 2]]:9: remark: 'linalg.generic' vectorized: vectorized loop (vectorization width: {{[0-9]+}}
  // STRICT-DAG: vectorization-remarks.mlir:[[# @LINE + 1]]:9: remark: 'linalg.generic' vectorized
  %sq = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<4x256xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  // CHECK-DAG: vectorization-remarks.mlir:[[# @LINE + 2]]:10: remark: 'linalg.generic' vectorized: vectorized loop
  // STRICT-DAG: vectorization-remarks.mlir:[[# @LINE + 1]]:10: remark: 'linalg.generic' vectorized: vectorized loop
  %max = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x256xf32>) outs(%mi : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  // Strict sums keep the order of additions: the loop stays scalar.
  // CHECK-DAG: vectorization-remarks.mlir:[[# @LINE + 2]]:10: remark: 'linalg.generic' vectorized: vectorized loop
  // STRICT-DAG: vectorization-remarks.mlir:[[# @LINE + 1]]:10: remark: 'linalg.generic' scalar: loop not vectorized: cannot prove it is safe to reorder floating-point operations
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x256xf32>) outs(%si : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  // Swap the halves of 64-element heads with mod indexing: not affine in the
  // innermost loop, so LLVM cannot bound its accesses.
  // CHECK-DAG: vectorization-remarks.mlir:[[# @LINE + 1]]:10: remark: 'linalg.generic' scalar: loop not vectorized: cannot identify array bounds
  %rot = linalg.generic {indexing_maps = [affine_map<(i, c) -> (i, (c floordiv 64) * 64 + (c + 32) mod 64)>, affine_map<(i, c) -> (i, c)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4x256xf32>
  // Swapped minus original on a 4 x 4 x 2 x 32 view, affine in every index:
  // vectorized. Located by a name only.
  // CHECK-DAG: swap_halves: remark: 'linalg.generic' vectorized: vectorized loop
  %x4 = tensor.expand_shape %x [[0], [1, 2, 3]] output_shape [4, 4, 2, 32] : tensor<4x256xf32> into tensor<4x4x2x32xf32>
  %e44 = tensor.empty() : tensor<4x4x2x32xf32>
  %rot4 = linalg.generic {indexing_maps = [affine_map<(i, h, s, j) -> (i, h, s, j)>, affine_map<(i, h, s, j) -> (i, h, 1 - s, j)>, affine_map<(i, h, s, j) -> (i, h, s, j)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x4, %x4 : tensor<4x4x2x32xf32>, tensor<4x4x2x32xf32>) outs(%e44 : tensor<4x4x2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %b, %a : f32
    linalg.yield %d : f32
  } -> tensor<4x4x2x32xf32> loc("swap_halves")
  %rot2 = tensor.collapse_shape %rot4 [[0], [1, 2, 3]] : tensor<4x4x2x32xf32> into tensor<4x256xf32>
  // Rows gathered by token (an embedding lookup): the token is loaded once
  // per row, before the loop over the row, which then vectorizes.
  %tokens = arith.constant dense<[3, 1, 0, 2]> : tensor<4xi64>
  // CHECK-DAG: vectorization-remarks.mlir:[[# @LINE + 1]]:10: remark: 'linalg.generic' vectorized: vectorized loop
  %emb = linalg.generic {indexing_maps = [affine_map<(t, c) -> (t)>, affine_map<(t, c) -> (t, c)>], iterator_types = ["parallel", "parallel"]} ins(%tokens : tensor<4xi64>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%tk: i64, %o: f32):
    %row = arith.index_cast %tk : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %x[%row, %col] : tensor<4x256xf32>
    linalg.yield %v : f32
  } -> tensor<4x256xf32>
  return %sq, %max, %sum, %rot, %rot2, %emb : tensor<4x256xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x256xf32>, tensor<4x256xf32>, tensor<4x256xf32>
}

// Other locations: an op inlined from elsewhere (a call site) is reported at
// the file location inside it, an op without a location under its function.
// CHECK-DAG: other.py:7:3: remark: 'linalg.generic' vectorized
// CHECK-DAG: inlined.py:2:5: remark: 'linalg.generic' vectorized
// CHECK-DAG: remark: loops of function 'g' without a source op: vectorized
func.func @g(%x: tensor<4x256xf32>) -> (tensor<4x256xf32>, tensor<4x256xf32>, tensor<4x256xf32>) {
  %e = tensor.empty() : tensor<4x256xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.mulf %v, %v : f32
    linalg.yield %s : f32
  } -> tensor<4x256xf32> loc(fused["other.py":7:3, "more.py":1:1])
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %v : f32
    linalg.yield %s : f32
  } -> tensor<4x256xf32> loc(callsite("helper" at "inlined.py":2:5))
  %c = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.subf %v, %v : f32
    linalg.yield %s : f32
  } -> tensor<4x256xf32> loc(unknown)
  return %a, %b, %c : tensor<4x256xf32>, tensor<4x256xf32>, tensor<4x256xf32>
}
// CHECK: remark: loop vectorizer: {{[0-9]+}} of {{[0-9]+}} source ops with loops vectorized{{.*}}, 1 with scalar loops
// STRICT: remark: loop vectorizer: {{[0-9]+}} of {{[0-9]+}} source ops with loops vectorized{{.*}}, 2 with scalar loops
//
// Row maxima (i + 255) / 64 and row sums (256 i + 32640) / 64 of the rows
// starting at i = 0, 256, 512, 768; the swap: element (0, 0) = x[0][32] =
// 0.5; the difference of swapped and original: x[0][32] - x[0][0] = 0.5,
// then x[0][33] - x[0][1] = 0.5.
// CHECK: result 1: <f4 (4)
// CHECK-NEXT: [3.98438, 7.98438, 11.9844, 15.9844]
// CHECK-NEXT: result 2: <f4 (4)
// CHECK-NEXT: [510, 1534, 2558, 3582]
// CHECK-NEXT: result 3: <f4 (4, 256)
// CHECK-NEXT: [0.5, {{[^,]+}}, {{.*}}]
// CHECK-NEXT: result 4: <f4 (4, 256)
// CHECK-NEXT: [0.5, 0.5, {{.*}}]
// Row 0 of the lookup is row 3 of x: 768 / 64 = 12, 769 / 64, ...; its last
// row is row 2, ending in 767 / 64.
// CHECK-NEXT: result 5: <f4 (4, 256)
// CHECK-NEXT: [12, 12.0156, {{.*}}, 11.9688, 11.9844]
