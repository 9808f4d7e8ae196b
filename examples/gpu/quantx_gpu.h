// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- quantx_gpu.h - C helpers for harnesses of GPU-compiled models ------===*
 *
 * Memref descriptors as MLIR's C interface passes them, the quant-opt CUDA
 * runtime's entry points (libquantx_cuda_runtime), and exact conversions
 * between f32 and the 16-bit float formats, written from the IEEE 754 and
 * bfloat16 definitions (round half to even).
 *
 *===----------------------------------------------------------------------===*/
#ifndef QUANTX_GPU_H
#define QUANTX_GPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define QUANTX_MEMREF(rank)                                                    \
  struct {                                                                     \
    void *allocated;                                                           \
    void *aligned;                                                             \
    int64_t offset;                                                            \
    int64_t sizes[rank];                                                       \
    int64_t strides[rank];                                                     \
  }

typedef QUANTX_MEMREF(1) memref1d_t;
typedef QUANTX_MEMREF(2) memref2d_t;
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
} memref0d_t;

/* The runtime (mgpu* as called by generated code, plus helpers). */
void *mgpuMemAlloc(uint64_t bytes, void *stream, bool hostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream);
void mgpuStreamSynchronize(void *stream);
void *mgpuEventCreate(void);
void mgpuEventRecord(void *event, void *stream);
void mgpuEventDestroy(void *event);
void quantx_gpu_device_info(char *name, int size, int *smCount, int *capability);
float quantx_gpu_elapsed_ms(void *start, void *end);
void quantx_gpu_synchronize(void);
void quantx_gpu_profile(int enable);
double quantx_gpu_profile_ms(int64_t *launches);

/* A device copy of `bytes` host bytes (synchronous). */
static inline void *quantx_upload(const void *host, size_t bytes) {
  void *dev = mgpuMemAlloc(bytes, 0, false);
  mgpuMemcpy(dev, (void *)host, bytes, 0);
  mgpuStreamSynchronize(0);
  return dev;
}

static inline void quantx_download(void *host, const void *dev, size_t bytes) {
  mgpuMemcpy(host, (void *)dev, bytes, 0);
  mgpuStreamSynchronize(0);
}

static inline memref2d_t quantx_memref2d(void *data, int64_t rows, int64_t cols) {
  memref2d_t m = {data, data, 0, {rows, cols}, {cols, 1}};
  return m;
}

static inline memref1d_t quantx_memref1d(void *data, int64_t n) {
  memref1d_t m = {data, data, 0, {n}, {1}};
  return m;
}

static inline memref0d_t quantx_memref0d(void *data) {
  memref0d_t m = {data, data, 0};
  return m;
}

static inline uint32_t quantx_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static inline float quantx_bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* IEEE binary16 <-> binary32. */
static inline float quantx_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  if (exp == 0x1F)
    return quantx_bits_f32(sign | 0x7F800000u | (man << 13));
  if (exp == 0) {
    float v = (float)man * (1.0f / 16777216.0f); /* man * 2^-24 */
    return sign ? -v : v;
  }
  return quantx_bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

static inline uint16_t quantx_f32_to_f16(float f) {
  uint32_t u = quantx_f32_bits(f);
  uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
  uint32_t abs = u & 0x7FFFFFFFu;
  if (abs > 0x7F800000u)
    return sign | 0x7E00;
  if (abs >= 0x477FF000u) /* rounds to >= 65520: infinity */
    return sign | 0x7C00;
  if (abs < 0x38800000u) { /* below 2^-14: subnormal half, units of 2^-24 */
    float a = quantx_bits_f32(abs) * 16777216.0f;
    /* a < 1024, exact in f32; round half to even to an integer. */
    uint32_t i = (uint32_t)a;
    float frac = a - (float)i;
    if (frac > 0.5f || (frac == 0.5f && (i & 1)))
      ++i;
    return sign | (uint16_t)i;
  }
  uint32_t man = abs & 0x7FFFFF, exp = (abs >> 23) - 112;
  uint32_t half = (exp << 10) | (man >> 13), rest = man & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half;
  return sign | (uint16_t)half;
}

/* bfloat16: the top half of binary32, rounded half to even. */
static inline float quantx_bf16_to_f32(uint16_t b) {
  return quantx_bits_f32((uint32_t)b << 16);
}

static inline uint16_t quantx_f32_to_bf16(float f) {
  uint32_t u = quantx_f32_bits(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u)
    return (uint16_t)((u >> 16) | 0x40);
  uint32_t rest = u & 0xFFFF, top = u >> 16;
  if (rest > 0x8000 || (rest == 0x8000 && (top & 1)))
    ++top;
  return (uint16_t)top;
}

#endif /* QUANTX_GPU_H */
