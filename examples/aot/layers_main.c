// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Calls the decoder layers of examples/llm_layer/gen_layer.py --checkpoint
// (@layers(tensor<TxDxf32>) -> (tensor<TxDxf32>, tensor<TxHxf32>)),
// compiled ahead of time by examples/aot/compile.sh, with its weights bound
// at run time from a parameter file through quantx_bind_parameters and
// libquantx_params (QuantOpt/Params/CAPI.h).
//
//   clang -I include examples/aot/layers_main.c -o layers-aot ./liblayers.so \
//     -L build/lib -lquantx_params -Wl,-rpath,.:build/lib
//   ./layers-aot PARAMS.safetensors T D < x.f32 > hidden.f32
//
// Reads T x D f32 values from stdin, writes the T x D hidden states as raw
// f32 to stdout.
#include "QuantOpt/Params/CAPI.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} MemRef2D;

typedef struct {
  MemRef2D hidden, logits;
} Results;

int32_t quantx_bind_parameters(const void *(*lookup)(void *, const char *, int64_t),
                               void *ctx);
void _mlir_ciface_layers(Results *results, MemRef2D *x);

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PARAMS T D < x.f32 > hidden.f32\n", argv[0]);
    return 2;
  }
  QuantxParams *params = quantxParamsOpen(argv[1]);
  if (quantxParamsError(params) || quantx_bind_parameters(quantxParamsLookup, params) != 0) {
    fprintf(stderr, "layers-aot: %s\n", quantxParamsError(params));
    return 1;
  }
  int64_t t = atoll(argv[2]), d = atoll(argv[3]);
  float *x = malloc(sizeof(float) * t * d);
  if (fread(x, sizeof(float), t * d, stdin) != (size_t)(t * d)) {
    fprintf(stderr, "layers-aot: expected %lld f32 values on stdin\n", (long long)(t * d));
    return 1;
  }
  MemRef2D in = {x, x, 0, {t, d}, {d, 1}};
  Results r;
  _mlir_ciface_layers(&r, &in);
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < d; ++j)
      fwrite(&r.hidden.aligned[r.hidden.offset + i * r.hidden.strides[0] + j * r.hidden.strides[1]],
             sizeof(float), 1, stdout);
  free(r.hidden.allocated);
  free(r.logits.allocated);
  free(x);
  quantxParamsClose(params);
  return 0;
}
