// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Calls an ahead-of-time compiled model (examples/aot/compile.sh) through
// its C interface: here the example MLP, @mlp(tensor<?x64xf32>) ->
// tensor<?x10xf32>, on N images read as raw little-endian f32 from stdin.
// Prints one line of 10 logits per image.
//
//   clang main.c -o mlp-aot ./libmlp.so -Wl,-rpath,.
//   ./mlp-aot N < images.f32
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// A rank-2 memref descriptor, as MLIR's LLVM lowering lays it out.
typedef struct {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} MemRef2D;

// Results come first; the model allocates them (free `allocated`).
void _mlir_ciface_mlp(MemRef2D *result, MemRef2D *x);

int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atoll(argv[1]) : 1;
  float *images = malloc(sizeof(float) * n * 64);
  if (fread(images, sizeof(float), n * 64, stdin) != (size_t)(n * 64)) {
    fprintf(stderr, "expected %lld images of 64 f32 on stdin\n", (long long)n);
    return 1;
  }
  MemRef2D x = {images, images, 0, {n, 64}, {64, 1}};
  MemRef2D y;
  _mlir_ciface_mlp(&y, &x);
  for (int64_t i = 0; i < y.sizes[0]; ++i) {
    for (int64_t j = 0; j < y.sizes[1]; ++j)
      printf("%s%.6g", j ? " " : "", y.aligned[y.offset + i * y.strides[0] + j * y.strides[1]]);
    printf("\n");
  }
  free(y.allocated);
  free(images);
  return 0;
}
