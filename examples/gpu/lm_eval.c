// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- lm_eval.c - the example LM (examples/lm) on the GPU ---------------===*
 *
 *   lm_eval EVAL_TOKENS.npy EVAL_TARGETS.npy [ITERATIONS]
 *
 * Runs @lm of a model compiled by examples/gpu/compile.sh (tokens and
 * targets: int32 [B, T] .npy written by examples/lm/gen_lm.py) with its
 * buffers in GPU memory and prints the mean NLL, the perplexity and the
 * median time per call (kernels, from the runtime's launch profiler, and
 * wall clock).
 *
 *===----------------------------------------------------------------------===*/
#include "quantx_gpu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void _mlir_ciface_lm(memref1d_t *out, memref2d_t *tokens, memref2d_t *targets);

/* Reads a little-endian int32 2-D .npy file; returns the data, sets rows/cols. */
static int32_t *read_i32(const char *path, int64_t *rows, int64_t *cols) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "lm_eval: cannot open %s\n", path);
    exit(1);
  }
  unsigned char pre[10];
  if (fread(pre, 1, 10, f) != 10) {
    fprintf(stderr, "lm_eval: %s is not a .npy file\n", path);
    exit(1);
  }
  unsigned hlen = pre[8] | (pre[9] << 8);
  char *header = calloc(hlen + 1, 1);
  if (fread(header, 1, hlen, f) != hlen || !strstr(header, "'<i4'")) {
    fprintf(stderr, "lm_eval: %s is not an int32 .npy file\n", path);
    exit(1);
  }
  char *shape = strstr(header, "'shape': (");
  if (!shape || sscanf(shape, "'shape': (%ld, %ld)", (long *)rows, (long *)cols) != 2) {
    fprintf(stderr, "lm_eval: %s: expected a 2-D array\n", path);
    exit(1);
  }
  free(header);
  size_t n = (size_t)(*rows * *cols);
  int32_t *data = malloc(n * 4);
  if (fread(data, 4, n, f) != n) {
    fprintf(stderr, "lm_eval: %s is truncated\n", path);
    exit(1);
  }
  fclose(f);
  return data;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: lm_eval EVAL_TOKENS.npy EVAL_TARGETS.npy [ITERATIONS]\n");
    return 2;
  }
  int iters = argc > 3 ? atoi(argv[3]) : 5;
  if (iters < 1)
    iters = 1;
  int64_t b, t, b2, t2;
  int32_t *tok = read_i32(argv[1], &b, &t), *tgt = read_i32(argv[2], &b2, &t2);
  if (b != b2 || t != t2) {
    fprintf(stderr, "lm_eval: tokens and targets differ in shape\n");
    return 1;
  }
  char name[256] = "";
  int sms = 0, cap = 0;
  quantx_gpu_device_info(name, sizeof(name), &sms, &cap);
  size_t bytes = (size_t)(b * t * 4);
  memref2d_t mt = quantx_memref2d(quantx_upload(tok, bytes), b, t);
  memref2d_t mg = quantx_memref2d(quantx_upload(tgt, bytes), b, t);
  double *kernel = malloc(sizeof(double) * iters), *wall = malloc(sizeof(double) * iters);
  memref1d_t out;
  float *nll = malloc(bytes);
  for (int i = 0; i < iters + 1; ++i) {
    quantx_gpu_profile(1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    _mlir_ciface_lm(&out, &mt, &mg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t launches = 0;
    double k = quantx_gpu_profile_ms(&launches);
    quantx_gpu_profile(0);
    if (i == iters) /* last call: keep the result */
      quantx_download(nll, out.aligned, bytes);
    mgpuMemFree(out.allocated, 0);
    if (i > 0) { /* the first call loads the modules */
      kernel[i - 1] = k;
      wall[i - 1] = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) * 1e-6;
    }
  }
  double sum = 0;
  for (int64_t i = 0; i < b * t; ++i)
    sum += nll[i];
  double mean = sum / (double)(b * t);
  qsort(kernel, iters, sizeof(double), cmp);
  qsort(wall, iters, sizeof(double), cmp);
  printf("device: %s (%d SMs)\n", name, sms);
  printf("%ld tokens: mean NLL %.6f, perplexity %.4f; median %.3f ms in kernels, %.3f ms per call\n",
         (long)(b * t), mean, exp(mean), kernel[iters / 2], wall[iters / 2]);
  return 0;
}
