// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/*===- host_shim.c - the runtime entry points harnesses use, on the host --===*
 *
 * Lets a GPU harness (e.g. test/Integration/GPU/Inputs/gpu_check.c) run
 * against a model compiled with --quantx-cpu-pipeline: "device" memory is
 * host memory. This checks the harness and its reference on machines
 * without a GPU.
 *
 *===----------------------------------------------------------------------===*/
#include "quantx_gpu.h"

#include <stdio.h>
#include <stdlib.h>

void *mgpuMemAlloc(uint64_t bytes, void *stream, bool hostShared) {
  (void)stream, (void)hostShared;
  return malloc(bytes ? bytes : 1);
}
void mgpuMemFree(void *ptr, void *stream) {
  (void)stream;
  free(ptr);
}
void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream) {
  (void)stream;
  memcpy(dst, src, bytes);
}
void mgpuStreamSynchronize(void *stream) { (void)stream; }
void quantx_gpu_device_info(char *name, int size, int *smCount, int *capability) {
  snprintf(name, (size_t)size, "host CPU (host_shim.c)");
  *smCount = 0;
  *capability = 0;
}
/* No kernel launches on the host: the profiler records nothing. */
void quantx_gpu_profile(int enable) { (void)enable; }
double quantx_gpu_profile_ms(int64_t *launches) {
  if (launches)
    *launches = 0;
  return 0.0;
}
