// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- gpu_check.c - GPU matmul cases against an independent reference ---===*
 *
 * For every case of cases.h (see gpu_cases.py): random inputs in the
 * case's storage formats, the compiled function run with its buffers in
 * GPU memory, and a reference computed here from the format definitions
 * (nibbles low first, two's complement int4/int8, the NF4 code book of
 * the QLoRA paper, FP8 E4M3FN / E5M2 bit layouts), with
 * w = (q - zero_point) * scale in f32, products summed in double, the bias
 * added and the sum rounded to the result type. Prints one line per case
 * and "N passed, M failed"; exits with 1 if any case failed.
 *
 * Linked with libquantx_cuda_runtime for a GPU, or with host_shim.c to
 * check the CPU pipeline (and this harness) on a machine without one.
 *
 *===----------------------------------------------------------------------===*/
#include "quantx_gpu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  const char *name, *storage;
  int m, n, k, group; /* group: 0 per tensor, -1 per channel, > 0 along K */
  int lhs, res, scale, bias; /* 0 none, 1 f32, 2 f16, 3 bf16; lhs 4/5/6: i8/u8/E4M3 codes */
  int zp;
  void (*fn)(void);
} gpu_case;

#include "cases.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_u32(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33);
}
static float uniform(float lo, float hi) {
  return lo + (hi - lo) * (float)(next_u32() & 0xFFFFFF) / 16777216.0f;
}

static size_t elt_bytes(int type) { return type == 1 ? 4 : type >= 4 ? 1 : 2; }

/* Stores f (rounded to `type`) at index i and returns the stored value. */
static float store_float(void *buf, int type, size_t i, float f) {
  if (type == 1) {
    ((float *)buf)[i] = f;
    return f;
  }
  uint16_t h = type == 2 ? quantx_f32_to_f16(f) : quantx_f32_to_bf16(f);
  ((uint16_t *)buf)[i] = h;
  return type == 2 ? quantx_f16_to_f32(h) : quantx_bf16_to_f32(h);
}

static float load_float(const void *buf, int type, size_t i) {
  if (type == 1)
    return ((const float *)buf)[i];
  uint16_t h = ((const uint16_t *)buf)[i];
  return type == 2 ? quantx_f16_to_f32(h) : quantx_bf16_to_f32(h);
}

static const float kNF4[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f,
    0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
    0.7229568362236023f, 1.0f};

static float fp8_value(uint8_t b, int expBits, int manBits) {
  int bias = (1 << (expBits - 1)) - 1;
  int e = (b >> manBits) & ((1 << expBits) - 1), m = b & ((1 << manBits) - 1);
  float mag = e == 0 ? ldexpf((float)m, 1 - bias - manBits)
                     : ldexpf((float)((1 << manBits) + m), e - bias - manBits);
  return (b & 0x80) ? -mag : mag;
}

static int is_packed(const char *s) { return !strcmp(s, "i4") || !strcmp(s, "u4") || !strcmp(s, "nf4"); }

/* A random valid code of the storage kind (finite for FP8). */
static uint8_t random_code(const char *s) {
  for (;;) {
    uint8_t b = (uint8_t)next_u32();
    if (is_packed(s))
      return b & 0xF;
    if (!strcmp(s, "f8E4M3FN") && (b & 0x7F) == 0x7F)
      continue;
    if (!strcmp(s, "f8E5M2") && ((b >> 2) & 0x1F) == 0x1F)
      continue;
    return b;
  }
}

/* The value of code q minus the zero point, before scaling. */
static float decode(const char *s, uint8_t q, int zp) {
  if (!strcmp(s, "i4"))
    return (float)(((q & 8) ? (int)q - 16 : (int)q) - zp);
  if (!strcmp(s, "u4") || !strcmp(s, "u8"))
    return (float)((int)q - zp);
  if (!strcmp(s, "nf4"))
    return kNF4[q];
  if (!strcmp(s, "i8"))
    return (float)((int)(int8_t)q - zp);
  if (!strcmp(s, "f8E4M3FN"))
    return fp8_value(q, 4, 3);
  return fp8_value(q, 5, 2);
}

/* A random zero point of the kind, as stored (4-bit: the low nibble). */
static int random_zp(const char *s, uint8_t *stored) {
  int v;
  if (!strcmp(s, "u4"))
    v = (int)(next_u32() % 16);
  else if (!strcmp(s, "i4"))
    v = (int)(next_u32() % 16) - 8;
  else if (!strcmp(s, "u8"))
    v = (int)(next_u32() % 256);
  else
    v = (int)(next_u32() % 256) - 128;
  *stored = is_packed(s) ? (uint8_t)(v & 0xF) : (uint8_t)v;
  return v;
}

typedef void (*fn4)(void *, void *, void *, void *);
typedef void (*fn5)(void *, void *, void *, void *, void *);
typedef void (*fn6)(void *, void *, void *, void *, void *, void *);
typedef void (*fn7)(void *, void *, void *, void *, void *, void *, void *);

static int run_case(const gpu_case *c) {
  int m = c->m, n = c->n, k = c->k;
  int packed = is_packed(c->storage);
  int groups = c->group > 0 ? k / c->group : 1;
  int nscale = c->group == 0 ? 1 : (c->group < 0 ? n : n * groups);
  size_t wbytes = (size_t)n * (packed ? k / 2 : k);

  void *a = malloc((size_t)m * k * elt_bytes(c->lhs));
  uint8_t *w = malloc(wbytes), *codes = malloc((size_t)n * k), *zps = malloc(nscale);
  void *s = malloc((size_t)nscale * elt_bytes(c->scale));
  void *b = c->bias ? malloc((size_t)n * elt_bytes(c->bias)) : NULL;
  float *af = malloc(sizeof(float) * m * k), *sf = malloc(sizeof(float) * nscale);
  int *zpv = calloc(nscale, sizeof(int));
  float *bf = calloc(n, sizeof(float));

  /* Integer (W8A8) cases: input codes with a per-tensor scale and zero
     point; af holds code - zero point (exact integers). */
  int intLhs = c->lhs == 4 || c->lhs == 5, fp8Lhs = c->lhs == 6;
  float aScale = 0;
  uint8_t aZpStored = 0;
  int aZp = intLhs ? random_zp(c->lhs == 4 ? "i8" : "u8", &aZpStored) : 0;
  for (size_t i = 0; i < (size_t)m * k; ++i) {
    if (fp8Lhs) {
      uint8_t q = random_code("f8E4M3FN");
      ((uint8_t *)a)[i] = q;
      af[i] = fp8_value(q, 4, 3);
    } else if (intLhs) {
      uint8_t q = (uint8_t)next_u32();
      ((uint8_t *)a)[i] = q;
      af[i] = (float)((c->lhs == 4 ? (int)(int8_t)q : (int)q) - aZp);
    } else {
      af[i] = store_float(a, c->lhs, i, uniform(-1.0f, 1.0f));
    }
  }
  if (intLhs || fp8Lhs)
    aScale = uniform(0.01f, 0.05f);
  for (size_t i = 0; i < (size_t)n * k; ++i)
    codes[i] = random_code(c->storage);
  for (int r = 0; r < n; ++r)
    for (int j = 0; j < k; ++j) {
      uint8_t q = codes[(size_t)r * k + j];
      if (packed) {
        uint8_t *byte = &w[(size_t)r * (k / 2) + j / 2];
        *byte = (j % 2 == 0) ? (uint8_t)((*byte & 0xF0) | q) : (uint8_t)((*byte & 0x0F) | (q << 4));
      } else {
        w[(size_t)r * k + j] = q;
      }
    }
  for (int i = 0; i < nscale; ++i) {
    sf[i] = store_float(s, c->scale, i, uniform(0.01f, 0.05f));
    if (c->zp)
      zpv[i] = random_zp(c->storage, &zps[i]);
  }
  for (int i = 0; c->bias && i < n; ++i)
    bf[i] = store_float(b, c->bias, i, uniform(-1.0f, 1.0f));

  /* The compiled function, buffers in device memory. */
  void *da = quantx_upload(a, (size_t)m * k * elt_bytes(c->lhs));
  void *dw = quantx_upload(w, wbytes);
  void *ds = quantx_upload(s, (size_t)nscale * elt_bytes(c->scale));
  void *dz = c->zp ? quantx_upload(zps, nscale) : NULL;
  void *db = c->bias ? quantx_upload(b, (size_t)n * elt_bytes(c->bias)) : NULL;
  memref2d_t ma = quantx_memref2d(da, m, k);
  memref2d_t mw = quantx_memref2d(dw, n, packed ? k / 2 : k);
  memref2d_t ms2 = quantx_memref2d(ds, n, groups);
  memref1d_t ms1 = quantx_memref1d(ds, n);
  memref0d_t ms0 = quantx_memref0d(ds);
  void *msp = c->group == 0 ? (void *)&ms0 : c->group < 0 ? (void *)&ms1 : (void *)&ms2;
  memref2d_t mz2 = quantx_memref2d(dz, n, groups);
  memref1d_t mz1 = quantx_memref1d(dz, n);
  memref0d_t mz0 = quantx_memref0d(dz);
  void *mzp = c->group == 0 ? (void *)&mz0 : c->group < 0 ? (void *)&mz1 : (void *)&mz2;
  memref1d_t mb = quantx_memref1d(db, n);
  void *das = (intLhs || fp8Lhs) ? quantx_upload(&aScale, 4) : NULL;
  void *daz = intLhs ? quantx_upload(&aZpStored, 1) : NULL;
  memref0d_t mas = quantx_memref0d(das), maz = quantx_memref0d(daz);
  memref2d_t out;
  if (fp8Lhs)
    ((fn5)c->fn)(&out, &ma, &mw, msp, &mas);
  else if (intLhs && c->zp)
    ((fn7)c->fn)(&out, &ma, &mw, msp, mzp, &mas, &maz);
  else if (intLhs)
    ((fn6)c->fn)(&out, &ma, &mw, msp, &mas, &maz);
  else if (c->zp && c->bias)
    ((fn6)c->fn)(&out, &ma, &mw, msp, mzp, &mb);
  else if (c->zp)
    ((fn5)c->fn)(&out, &ma, &mw, msp, mzp);
  else if (c->bias)
    ((fn5)c->fn)(&out, &ma, &mw, msp, &mb);
  else
    ((fn4)c->fn)(&out, &ma, &mw, msp);
  size_t obytes = (size_t)m * n * elt_bytes(c->res);
  void *o = malloc(obytes);
  quantx_download(o, out.aligned, obytes);

  double maxErr = 0, maxRatio = 0;
  int shapeOk = out.sizes[0] == m && out.sizes[1] == n;
  for (int i = 0; i < m; ++i)
    for (int r = 0; r < n; ++r) {
      double sum = 0, mag = 0, ref;
      if (intLhs) {
        /* Integer: the exact i32 accumulator times (sa * sw) in f32. */
        int si = c->group == 0 ? 0 : r;
        int64_t acc = 0;
        for (int j = 0; j < k; ++j)
          acc += (int64_t)af[(size_t)i * k + j] *
                 (int64_t)decode(c->storage, codes[(size_t)r * k + j], zpv[si]);
        ref = (double)((float)acc * (aScale * sf[si]));
        mag = fabs(ref);
      } else if (fp8Lhs) {
        /* FP8 x FP8: exact products summed in f32, times (sa * sw). */
        int si = c->group == 0 ? 0 : r;
        for (int j = 0; j < k; ++j) {
          double p = (double)af[(size_t)i * k + j] *
                     (double)decode(c->storage, codes[(size_t)r * k + j], 0);
          sum += p;
          mag += fabs(p);
        }
        double s = (double)(aScale * sf[si]);
        ref = sum * s;
        mag *= s;
      } else {
        for (int j = 0; j < k; ++j) {
          int si = c->group == 0 ? 0 : c->group < 0 ? r : r * groups + j / c->group;
          float wv = decode(c->storage, codes[(size_t)r * k + j], zpv[si]) * sf[si];
          double p = (double)af[(size_t)i * k + j] * (double)wv;
          sum += p;
          mag += fabs(p);
        }
        ref = sum + bf[r];
      }
      double got = load_float(o, c->res, (size_t)i * n + r);
      /* f32 accumulation in any order, then rounding to the result type
         (one unit in the last place: a sum near a rounding midpoint may
         round either way). */
      double outEps = c->res == 1 ? ldexp(1, -23) : c->res == 2 ? ldexp(1, -10) : ldexp(1, -7);
      double tol = 1e-5 * (mag + fabs(bf[r])) + outEps * fabs(ref) + 1e-6;
      double err = fabs(got - ref);
      if (!(err <= maxErr))
        maxErr = err;
      if (!(err / tol <= maxRatio))
        maxRatio = err / tol;
    }
  int ok = shapeOk && maxRatio <= 1.0;
  printf("%-28s %-9s M=%-3d N=%-4d K=%-5d max_abs_err=%.3g err/tol=%.3f %s\n", c->name,
         c->storage, m, n, k, maxErr, maxRatio, ok ? "PASS" : "FAIL");
  mgpuMemFree(out.allocated, 0);
  mgpuMemFree(da, 0);
  mgpuMemFree(dw, 0);
  mgpuMemFree(ds, 0);
  if (dz)
    mgpuMemFree(dz, 0);
  if (db)
    mgpuMemFree(db, 0);
  if (das)
    mgpuMemFree(das, 0);
  if (daz)
    mgpuMemFree(daz, 0);
  free(a), free(w), free(codes), free(zps), free(s), free(b), free(af), free(sf), free(zpv),
      free(bf), free(o);
  return ok;
}

int main(void) {
  char name[256] = "";
  int sms = 0, cap = 0;
  quantx_gpu_device_info(name, sizeof(name), &sms, &cap);
  printf("device: %s (%d SMs, compute capability %d.%d)\n", name, sms, cap / 10, cap % 10);
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i)
    run_case(&kCases[i]) ? ++passed : ++failed;
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
