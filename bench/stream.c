// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// STREAM-style memory bandwidth on this machine, with OpenMP threads:
// read (sum of an array), copy and triad, best of several repetitions.
// Built and run by bench/cpu_matmul.py; prints "name GB/s" lines.
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N (64L * 1024 * 1024) /* 256 MiB per f32 array */
#define REPS 7

static double now(void) { return omp_get_wtime(); }

int main(void) {
  float *a = aligned_alloc(64, N * sizeof(float));
  float *b = aligned_alloc(64, N * sizeof(float));
  float *c = aligned_alloc(64, N * sizeof(float));
#pragma omp parallel for
  for (long i = 0; i < N; ++i) {
    a[i] = 1.0f;
    b[i] = 2.0f;
    c[i] = 0.0f;
  }
  double bestRead = 1e9, bestCopy = 1e9, bestTriad = 1e9;
  volatile float sink = 0;
  for (int r = 0; r < REPS; ++r) {
    double t = now();
    // Integer adds of the bits: no floating-point latency chain.
    const unsigned *u = (const unsigned *)a;
    unsigned s = 0;
#pragma omp parallel for simd reduction(+ : s)
    for (long i = 0; i < N; ++i)
      s += u[i];
    sink += (float)s;
    t = now() - t;
    if (t < bestRead) bestRead = t;
    t = now();
#pragma omp parallel for
    for (long i = 0; i < N; ++i)
      c[i] = a[i];
    t = now() - t;
    if (t < bestCopy) bestCopy = t;
    t = now();
#pragma omp parallel for
    for (long i = 0; i < N; ++i)
      a[i] = b[i] + 3.0f * c[i];
    t = now() - t;
    if (t < bestTriad) bestTriad = t;
  }
  double bytes = N * sizeof(float);
  printf("read %.2f\n", bytes / bestRead / 1e9);
  printf("copy %.2f\n", 2 * bytes / bestCopy / 1e9);
  printf("triad %.2f\n", 3 * bytes / bestTriad / 1e9);
  printf("threads %d\n", omp_get_max_threads());
  free(a); free(b); free(c);
  return sink == 12345.0f;
}
