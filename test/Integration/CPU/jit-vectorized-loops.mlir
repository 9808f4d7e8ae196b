// The JIT optimizes for the host's target machine, so the loop vectorizer
// turns the scalar loops of an elementwise op into vector code (with a
// generic cost model it left them scalar: vmulss, one float at a time).
// --dump-object writes the machine code quant-run ran.
//
// REQUIRES: cpu-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import struct; h=\"{'descr': '<f4', 'fortran_order': False, 'shape': (4, 256), }\"; h+=' '*(63-len(h)%%64)+'\n'; open('%t/x.npy','wb').write(b'\x93NUMPY\x01\x00'+struct.pack('<H',len(h))+h.encode()+struct.pack('<1024f',*[i/64 for i in range(1024)]))"
// RUN: quant-run %s -e f -i %t/x.npy -i %t/x.npy --dump-object=%t/f.o --print-results | FileCheck %s --check-prefix=VALUES
// RUN: llvm-objdump -d %t/f.o | FileCheck %s
//
// y = x * x + x at x = i / 64: y[0][1] = 1/4096 + 1/64 = 0.0158691,
// y[3][255] at i = 1023: 1023/64 * (1023/64 + 1) = 271.485.
// VALUES: [0, 0.0158691, 0.0322266,
// VALUES: 270.97, 271.485]
// CHECK: {{vmulps|vfmadd[0-9]+ps}} {{.*}}%{{[yz]}}mm
func.func @f(%x: tensor<4x256xf32>, %y: tensor<4x256xf32>) -> tensor<4x256xf32> {
  %e = tensor.empty() : tensor<4x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<4x256xf32>, tensor<4x256xf32>) outs(%e : tensor<4x256xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.mulf %a, %b : f32
    %t = arith.addf %s, %a : f32
    linalg.yield %t : f32
  } -> tensor<4x256xf32>
  return %r : tensor<4x256xf32>
}
