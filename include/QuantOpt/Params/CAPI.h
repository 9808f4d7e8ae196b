// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- CAPI.h - parameter files from C ---------------------------*- C -*-===*
 *
 * Opens parameter files (safetensors, or a sharded checkpoint's index.json)
 * for programs built ahead of time from models whose weights are parameter
 * globals: such a program (compiled with the CPU pipeline's
 * parameter-binding=function) exports
 *
 *   int32_t quantx_bind_parameters(
 *       const void *(*lookup)(void *ctx, const char *key, int64_t bytes),
 *       void *ctx);
 *
 * and quantxParamsLookup is such a lookup, with the QuantxParams as ctx:
 *
 *   QuantxParams *p = quantxParamsOpen("model.safetensors");
 *   if (!p || quantx_bind_parameters(quantxParamsLookup, p) != 0)
 *     fprintf(stderr, "%s\n", quantxParamsError(p));
 *
 * Files are memory-mapped and validated when opened; they must stay open
 * while the program uses the parameters. Library: libquantx_params.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QUANTOPT_PARAMS_CAPI_H
#define QUANTOPT_PARAMS_CAPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct QuantxParams QuantxParams;

/* Opens `path`. Never returns NULL: check quantxParamsError, which is NULL
   when the file opened. */
QuantxParams *quantxParamsOpen(const char *path);

/* The address of tensor `key` (aligned to its element size), checked to
   hold `bytes` bytes; NULL when it is missing or of another size, with the
   reason kept for quantxParamsError. `params` is a QuantxParams. */
const void *quantxParamsLookup(void *params, const char *key, int64_t bytes);

/* The last error (one line per failure since the last call), or NULL. */
const char *quantxParamsError(QuantxParams *params);

/* Unmaps the files. */
void quantxParamsClose(QuantxParams *params);

#ifdef __cplusplus
}
#endif

#endif /* QUANTOPT_PARAMS_CAPI_H */
