// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- gemv_bench.c - timing of the compiled GPU matmuls -------------------===*
 *
 * For every entry of bench_cases.h (written by bench/gpu/gpu_bench.py):
 * random inputs in GPU memory, warm-up calls, then timed calls of the
 * compiled function. Kernel time comes from the runtime's launch profiler
 * (CUDA events around every launch); call time from the wall clock
 * (allocation, launch and synchronization included). Also measures the
 * device-to-device copy bandwidth in the same run. Prints one JSON object
 * per line.
 *
 *===----------------------------------------------------------------------===*/
#include "quantx_gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  const char *scheme;
  int m, n, k;
  size_t lhsBytes, rhsBytes, scaleBytes, outBytes;
  int scaleRank; /* 0, 1 (per channel) or 2 (groups) */
  int groups;
  int w8a8; /* int8 input codes and a per-tensor input scale */
  void (*fn)(void);
} bench_case;

#include "bench_cases.h"

typedef void (*fn4)(void *, void *, void *, void *);
typedef void (*fn5)(void *, void *, void *, void *, void *);

static void call(const bench_case *c, memref2d_t *out, memref2d_t *a, memref2d_t *w, void *s,
                 memref0d_t *as) {
  if (c->w8a8)
    ((fn5)c->fn)(out, a, w, s, as);
  else
    ((fn4)c->fn)(out, a, w, s);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof(double), cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void *random_device(size_t bytes, int halfFloats) {
  unsigned char *h = malloc(bytes);
  uint64_t s = 0x2545F4914F6CDD1Dull ^ bytes;
  for (size_t i = 0; i < bytes; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    h[i] = (unsigned char)(s >> 56);
  }
  if (halfFloats) /* small finite f16 values: exponent bits 0b01xxx */
    for (size_t i = 1; i < bytes; i += 2)
      h[i] = (unsigned char)(0x30 | (h[i] & 0x83));
  void *d = quantx_upload(h, bytes);
  free(h);
  return d;
}

/* Device-to-device copy bandwidth (read + write bytes per second). */
static double copy_gbps(void) {
  size_t bytes = (size_t)1 << 30;
  void *a = mgpuMemAlloc(bytes, 0, false), *b = mgpuMemAlloc(bytes, 0, false);
  double t[9];
  void *e0 = mgpuEventCreate(), *e1 = mgpuEventCreate();
  for (int i = 0; i < 11; ++i) {
    mgpuEventRecord(e0, 0);
    mgpuMemcpy(b, a, bytes, 0);
    mgpuEventRecord(e1, 0);
    float ms = quantx_gpu_elapsed_ms(e0, e1);
    if (i >= 2)
      t[i - 2] = ms;
  }
  mgpuEventDestroy(e0);
  mgpuEventDestroy(e1);
  mgpuMemFree(a, 0);
  mgpuMemFree(b, 0);
  return 2.0 * bytes / (median(t, 9) * 1e-3) / 1e9;
}

int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 50;
  char name[256] = "";
  int sms = 0, cap = 0;
  quantx_gpu_device_info(name, sizeof(name), &sms, &cap);
  printf("{\"device\": \"%s\", \"sms\": %d, \"capability\": %d, \"copy_gbps\": %.1f}\n", name,
         sms, cap, copy_gbps());
  fflush(stdout);
  double *kernel = malloc(sizeof(double) * iters), *callMs = malloc(sizeof(double) * iters);
  for (size_t i = 0; i < sizeof(kBench) / sizeof(kBench[0]); ++i) {
    const bench_case *c = &kBench[i];
    void *a = random_device(c->lhsBytes, !c->w8a8), *w = random_device(c->rhsBytes, 0);
    void *s = random_device(c->scaleBytes, !c->w8a8);
    float one = 1.0f;
    void *as = quantx_upload(&one, 4);
    memref0d_t mas = quantx_memref0d(as);
    memref2d_t ma = quantx_memref2d(a, c->m, c->k);
    memref2d_t mw = quantx_memref2d(w, c->n, (int64_t)(c->rhsBytes / c->n));
    memref2d_t ms2 = quantx_memref2d(s, c->n, c->groups);
    memref1d_t ms1 = quantx_memref1d(s, c->n);
    void *msp = c->scaleRank == 2 ? (void *)&ms2 : (void *)&ms1;
    memref2d_t out;
    for (int r = 0; r < 3; ++r) {
      call(c, &out, &ma, &mw, msp, &mas);
      mgpuMemFree(out.allocated, 0);
    }
    int64_t launches = 0;
    for (int r = 0; r < iters; ++r) {
      quantx_gpu_profile(1);
      double t0 = now_ms();
      call(c, &out, &ma, &mw, msp, &mas);
      callMs[r] = now_ms() - t0;
      kernel[r] = quantx_gpu_profile_ms(&launches);
      quantx_gpu_profile(0);
      mgpuMemFree(out.allocated, 0);
    }
    double kms = median(kernel, iters), cms = median(callMs, iters);
    double bytes = (double)c->lhsBytes + c->rhsBytes + c->scaleBytes + c->outBytes;
    printf("{\"scheme\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"kernel_ms\": %.5f, "
           "\"call_ms\": %.5f, \"launches\": %lld, \"gbps\": %.1f, \"tflops\": %.3f}\n",
           c->scheme, c->m, c->n, c->k, kms, cms, (long long)launches,
           bytes / (kms * 1e-3) / 1e9, 2.0 * c->m * c->n * c->k / (kms * 1e-3) / 1e12);
    fflush(stdout);
    mgpuMemFree(a, 0);
    mgpuMemFree(w, 0);
    mgpuMemFree(s, 0);
    mgpuMemFree(as, 0);
  }
  free(kernel);
  free(callMs);
  return 0;
}
