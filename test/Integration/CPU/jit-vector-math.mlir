// The JIT's loop vectorizer calls glibc's vector math library (libmvec)
// for exp in an elementwise op (SiLU here): one call per 4, 8 or 16
// elements instead of one expf per element; --vector-math=false keeps the
// scalar calls. Both agree with the values computed from the formula.
//
// REQUIRES: cpu-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import struct; h=\"{'descr': '<f4', 'fortran_order': False, 'shape': (4, 256), }\"; h+=' '*(63-len(h)%%64)+'\n'; open('%t/x.npy','wb').write(b'\x93NUMPY\x01\x00'+struct.pack('<H',len(h))+h.encode()+struct.pack('<1024f',*[(i-512)/64 for i in range(1024)]))"
// RUN: quant-run %s -e silu -i %t/x.npy --dump-object=%t/v.o --print-results | FileCheck %s --check-prefix=VALUES
// RUN: quant-run %s -e silu -i %t/x.npy --dump-object=%t/s.o --vector-math=false --print-results | FileCheck %s --check-prefix=VALUES
// RUN: llvm-objdump -r %t/v.o | FileCheck %s --check-prefix=VECTOR
// RUN: llvm-objdump -r %t/s.o | FileCheck %s --check-prefix=SCALAR
//
// silu(x) = x / (1 + exp(-x)) at x = (i - 512) / 64: x[0][0] = -8:
// -8 / (1 + e^8) = -0.0026828; x[0][1] = -8 + 1/64: -0.00271971;
// x[3][255] = 511/64 = 7.984375: 7.98166.
// VALUES: [-0.0026828, -0.00271971,
// VALUES: 7.98166]
// VECTOR: _ZGV{{[bcde]}}N{{4|8|16}}v_expf
// SCALAR-NOT: _ZGV
// SCALAR: expf
func.func @silu(%x: tensor<4x256xf32>) -> tensor<4x256xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %s = arith.divf %a, %d : f32
    linalg.yield %s : f32
  } -> tensor<4x256xf32>
  return %r : tensor<4x256xf32>
}
