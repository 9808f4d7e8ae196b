//===- CudaRuntime.cpp - the mgpu* functions on the CUDA driver API -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The host code that MLIR's gpu-to-llvm conversion and the gpu.binary /
// gpu.launch_func LLVM translation produce calls a small set of `mgpu*`
// functions (module load, kernel launch, streams, events, device memory).
// Debian's MLIR package ships no CUDA implementation of them; this is
// quant-opt's, written against the CUDA driver API.
//
// The driver (libcuda.so.1) is opened with dlopen on first use, so the
// library builds and links on machines without CUDA or a GPU, and an
// executable built on such a machine runs on one that has them. Every
// driver call is checked: a failure prints the call, the error name and
// message, and exits with status 1 (the mgpu* signatures cannot return
// errors).
//
// Generated host code allocates its results and temporaries and creates a
// stream on every call; to keep calls cheap the runtime caches freed device
// blocks by size (like PyTorch's caching allocator; QUANTX_GPU_NO_CACHE=1
// turns it off) and reuses streams.
//
// Besides mgpu*, a few `quantx_gpu_*` helpers serve the test and benchmark
// harnesses (device name and SM count, event timing, and a kernel profiler
// that times every launch with events).
//
//===----------------------------------------------------------------------===//

// Only the C library is used (no libstdc++), so an executable linking this
// statically runs on GPU machines with older C++ runtimes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <pthread.h>
#include <type_traits>

namespace {

// The few driver API types used here (ABI-compatible with cuda.h).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;

constexpr int kAttrMultiprocessorCount = 16; // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr unsigned kMemAttachGlobal = 1; // CU_MEM_ATTACH_GLOBAL
constexpr unsigned kEventDefault = 0;
constexpr unsigned kStreamNonBlocking = 1;

/// Driver entry points, resolved once.
struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **, void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuStreamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  CUresult (*cuMemHostRegister)(void *, size_t, unsigned);
  CUresult (*cuMemHostUnregister)(void *);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
};

[[noreturn]] void fatal(const char *what, const char *detail) {
  std::fprintf(stderr, "quantx-cuda-runtime: %s%s%s\n", what, detail ? ": " : "",
               detail ? detail : "");
  std::exit(1);
}

Driver theDriver;
pthread_once_t driverOnce = PTHREAD_ONCE_INIT;

void loadDriver() {
  Driver &d = theDriver;
  {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib)
      fatal("cannot load the CUDA driver (libcuda.so.1); is an NVIDIA driver "
            "installed?",
            dlerror());
    auto bind = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      if (!fn)
        fatal("the CUDA driver lacks", name);
    };
    bind(d.cuInit, "cuInit");
    bind(d.cuDeviceGet, "cuDeviceGet");
    bind(d.cuDeviceGetCount, "cuDeviceGetCount");
    bind(d.cuDeviceGetName, "cuDeviceGetName");
    bind(d.cuDeviceGetAttribute, "cuDeviceGetAttribute");
    bind(d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    bind(d.cuCtxSetCurrent, "cuCtxSetCurrent");
    bind(d.cuCtxSynchronize, "cuCtxSynchronize");
    bind(d.cuModuleLoadData, "cuModuleLoadData");
    bind(d.cuModuleUnload, "cuModuleUnload");
    bind(d.cuModuleGetFunction, "cuModuleGetFunction");
    bind(d.cuLaunchKernel, "cuLaunchKernel");
    bind(d.cuStreamCreate, "cuStreamCreate");
    bind(d.cuStreamDestroy, "cuStreamDestroy_v2");
    bind(d.cuStreamSynchronize, "cuStreamSynchronize");
    bind(d.cuStreamWaitEvent, "cuStreamWaitEvent");
    bind(d.cuEventCreate, "cuEventCreate");
    bind(d.cuEventDestroy, "cuEventDestroy_v2");
    bind(d.cuEventRecord, "cuEventRecord");
    bind(d.cuEventSynchronize, "cuEventSynchronize");
    bind(d.cuEventElapsedTime, "cuEventElapsedTime");
    bind(d.cuMemAlloc, "cuMemAlloc_v2");
    bind(d.cuMemAllocManaged, "cuMemAllocManaged");
    bind(d.cuMemFree, "cuMemFree_v2");
    bind(d.cuMemcpyAsync, "cuMemcpyAsync");
    bind(d.cuMemsetD32Async, "cuMemsetD32Async");
    bind(d.cuMemsetD16Async, "cuMemsetD16Async");
    bind(d.cuMemHostRegister, "cuMemHostRegister_v2");
    bind(d.cuMemHostUnregister, "cuMemHostUnregister");
    bind(d.cuGetErrorName, "cuGetErrorName");
    bind(d.cuGetErrorString, "cuGetErrorString");
  }
}

Driver &driver() {
  pthread_once(&driverOnce, loadDriver);
  return theDriver;
}

void check(CUresult result, const char *call) {
  if (result == 0)
    return;
  const char *name = "?", *message = "?";
  driver().cuGetErrorName(result, &name);
  driver().cuGetErrorString(result, &message);
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%s (%d): %s", name, result, message);
  fatal(call, buf);
}

#define CHECK(call) check(driver().call, #call)

int defaultDevice = -1; // QUANTX_CUDA_DEVICE, or 0
CUdevice theDevice;
CUcontext theContext;
pthread_once_t contextOnce = PTHREAD_ONCE_INIT;

void initContext() {
  CHECK(cuInit(0));
  int count = 0;
  CHECK(cuDeviceGetCount(&count));
  int ordinal = defaultDevice;
  if (ordinal < 0) {
    const char *env = std::getenv("QUANTX_CUDA_DEVICE");
    ordinal = env ? std::atoi(env) : 0;
  }
  if (count == 0)
    fatal("no CUDA device found", nullptr);
  if (ordinal < 0 || ordinal >= count)
    fatal("QUANTX_CUDA_DEVICE is out of range", nullptr);
  CHECK(cuDeviceGet(&theDevice, ordinal));
  CHECK(cuDevicePrimaryCtxRetain(&theContext, theDevice));
}

CUdevice device() {
  pthread_once(&contextOnce, initContext);
  return theDevice;
}

/// Makes the device's primary context current on this thread.
void useContext() {
  pthread_once(&contextOnce, initContext);
  CHECK(cuCtxSetCurrent(theContext));
}

/// A growable array of plain values (malloc/realloc).
template <typename T> struct Array {
  T *data = nullptr;
  size_t size = 0, capacity = 0;
  void push(const T &v) {
    if (size == capacity) {
      capacity = capacity ? 2 * capacity : 16;
      data = static_cast<T *>(std::realloc(data, capacity * sizeof(T)));
      if (!data)
        fatal("out of host memory", nullptr);
    }
    data[size++] = v;
  }
  void removeAt(size_t i) { data[i] = data[--size]; }
};

struct Block {
  CUdeviceptr ptr;
  uint64_t size;
};

/// Freed device blocks (reused for the same size), live blocks, and idle
/// streams.
struct Caches {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  Array<Block> freeBlocks, liveBlocks;
  Array<CUstream> idleStreams;
  bool enabled = !std::getenv("QUANTX_GPU_NO_CACHE");
};

Caches theCaches;
Caches &caches() { return theCaches; }

/// Launch timing (quantx_gpu_profile).
struct Profile {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  bool enabled = false;
  Array<CUevent> pending; // start, end, start, end, ...
  double totalMs = 0;
  int64_t launches = 0;
};

Profile theProfile;
Profile &profile() { return theProfile; }

/// Holds a pthread mutex for a scope.
struct Lock {
  explicit Lock(pthread_mutex_t &m) : m(m) { pthread_mutex_lock(&m); }
  ~Lock() { pthread_mutex_unlock(&m); }
  pthread_mutex_t &m;
};

} // namespace

extern "C" {

//===----------------------------------------------------------------------===//
// The mgpu* interface (called by MLIR-generated host code).
//===----------------------------------------------------------------------===//

void *mgpuModuleLoad(void *data, size_t /*size*/) {
  useContext();
  CUmodule module = nullptr;
  CHECK(cuModuleLoadData(&module, data));
  return module;
}

void *mgpuModuleLoadJIT(void *data, int /*optLevel*/, size_t size) {
  return mgpuModuleLoad(data, size);
}

void mgpuModuleUnload(void *module) {
  useContext();
  CHECK(cuModuleUnload(module));
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  useContext();
  CUfunction fn = nullptr;
  CHECK(cuModuleGetFunction(&fn, module, name));
  return fn;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t smem,
                      void *stream, void **params, void **extra, size_t /*paramsCount*/) {
  useContext();
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return; // an empty grid (e.g. M = 0) launches nothing
  Profile &prof = profile();
  CUevent start = nullptr, end = nullptr;
  if (prof.enabled) {
    CHECK(cuEventCreate(&start, kEventDefault));
    CHECK(cuEventCreate(&end, kEventDefault));
    CHECK(cuEventRecord(start, stream));
  }
  CHECK(cuLaunchKernel(function, unsigned(gridX), unsigned(gridY), unsigned(gridZ),
                       unsigned(blockX), unsigned(blockY), unsigned(blockZ), unsigned(smem),
                       stream, params, extra));
  if (prof.enabled) {
    CHECK(cuEventRecord(end, stream));
    Lock lock(prof.mutex);
    prof.pending.push(start);
    prof.pending.push(end);
  }
}

void *mgpuStreamCreate() {
  useContext();
  {
    Caches &c = caches();
    Lock lock(c.mutex);
    if (c.idleStreams.size)
      return c.idleStreams.data[--c.idleStreams.size];
  }
  CUstream stream = nullptr;
  CHECK(cuStreamCreate(&stream, kStreamNonBlocking));
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  useContext();
  Caches &c = caches();
  if (c.enabled) {
    // Work queued on it still completes; a later user waits on it anyway.
    Lock lock(c.mutex);
    c.idleStreams.push(stream);
    return;
  }
  CHECK(cuStreamDestroy(stream));
}

void mgpuStreamSynchronize(void *stream) {
  useContext();
  CHECK(cuStreamSynchronize(stream));
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  useContext();
  CHECK(cuStreamWaitEvent(stream, event, 0));
}

void *mgpuEventCreate() {
  useContext();
  CUevent event = nullptr;
  CHECK(cuEventCreate(&event, kEventDefault));
  return event;
}

void mgpuEventDestroy(void *event) {
  useContext();
  CHECK(cuEventDestroy(event));
}

void mgpuEventSynchronize(void *event) {
  useContext();
  CHECK(cuEventSynchronize(event));
}

void mgpuEventRecord(void *event, void *stream) {
  useContext();
  CHECK(cuEventRecord(event, stream));
}

void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared) {
  useContext();
  if (sizeBytes == 0)
    return nullptr;
  CUdeviceptr ptr = 0;
  if (isHostShared) {
    CHECK(cuMemAllocManaged(&ptr, sizeBytes, kMemAttachGlobal));
    return reinterpret_cast<void *>(ptr);
  }
  Caches &c = caches();
  if (c.enabled) {
    Lock lock(c.mutex);
    for (size_t i = 0; i < c.freeBlocks.size; ++i)
      if (c.freeBlocks.data[i].size == sizeBytes) {
        Block block = c.freeBlocks.data[i];
        c.freeBlocks.removeAt(i);
        c.liveBlocks.push(block);
        return reinterpret_cast<void *>(block.ptr);
      }
  }
  CUresult result = driver().cuMemAlloc(&ptr, sizeBytes);
  if (result != 0 && c.enabled) {
    // Out of memory with blocks cached: release them and try again.
    CHECK(cuCtxSynchronize());
    Lock lock(c.mutex);
    for (size_t i = 0; i < c.freeBlocks.size; ++i)
      CHECK(cuMemFree(c.freeBlocks.data[i].ptr));
    c.freeBlocks.size = 0;
    result = driver().cuMemAlloc(&ptr, sizeBytes);
  }
  check(result, "cuMemAlloc");
  if (c.enabled) {
    Lock lock(c.mutex);
    c.liveBlocks.push(Block{ptr, sizeBytes});
  }
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, void *stream) {
  useContext();
  if (!ptr)
    return;
  auto dptr = reinterpret_cast<CUdeviceptr>(ptr);
  Caches &c = caches();
  if (c.enabled) {
    // Wait for the work that used the block (generated code frees on that
    // stream), so any later allocation may reuse it at once.
    if (stream)
      CHECK(cuStreamSynchronize(stream));
    Lock lock(c.mutex);
    for (size_t i = 0; i < c.liveBlocks.size; ++i)
      if (c.liveBlocks.data[i].ptr == dptr) {
        c.freeBlocks.push(c.liveBlocks.data[i]);
        c.liveBlocks.removeAt(i);
        return;
      }
  }
  if (stream)
    CHECK(cuStreamSynchronize(stream));
  CHECK(cuMemFree(dptr));
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  useContext();
  // Unified addressing: the driver infers host or device from the pointers.
  CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst), reinterpret_cast<CUdeviceptr>(src),
                      sizeBytes, stream));
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void *stream) {
  useContext();
  CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value, count, stream));
}

void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream) {
  useContext();
  CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value, count, stream));
}

void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  useContext();
  CHECK(cuMemHostRegister(ptr, sizeBytes, /*CU_MEMHOSTREGISTER_PORTABLE=*/1));
}

void mgpuMemHostUnregister(void *ptr) {
  useContext();
  CHECK(cuMemHostUnregister(ptr));
}

void mgpuSetDefaultDevice(int32_t ordinal) { defaultDevice = ordinal; }

//===----------------------------------------------------------------------===//
// Helpers for harnesses and benchmarks.
//===----------------------------------------------------------------------===//

/// Writes the device's name (at most `size` bytes with the terminator),
/// its SM count and compute capability (major * 10 + minor).
void quantx_gpu_device_info(char *name, int size, int *smCount, int *capability) {
  useContext();
  CHECK(cuDeviceGetName(name, size, device()));
  int major = 0, minor = 0;
  CHECK(cuDeviceGetAttribute(smCount, kAttrMultiprocessorCount, device()));
  CHECK(cuDeviceGetAttribute(&major, kAttrComputeCapabilityMajor, device()));
  CHECK(cuDeviceGetAttribute(&minor, kAttrComputeCapabilityMinor, device()));
  *capability = major * 10 + minor;
}

/// Milliseconds between two recorded events (waits for `end`).
float quantx_gpu_elapsed_ms(void *start, void *end) {
  useContext();
  CHECK(cuEventSynchronize(end));
  float ms = 0;
  CHECK(cuEventElapsedTime(&ms, start, end));
  return ms;
}

/// Starts (1) or stops (0) timing every kernel launch with events, and
/// clears the recorded time.
void quantx_gpu_profile(int enable) {
  Profile &prof = profile();
  Lock lock(prof.mutex);
  prof.enabled = enable != 0;
  for (size_t i = 0; i < prof.pending.size; ++i)
    CHECK(cuEventDestroy(prof.pending.data[i]));
  prof.pending.size = 0;
  prof.totalMs = 0;
  prof.launches = 0;
}

/// Milliseconds spent in kernels launched since profiling started (waits
/// for them), and their number.
double quantx_gpu_profile_ms(int64_t *launches) {
  useContext();
  Profile &prof = profile();
  Lock lock(prof.mutex);
  for (size_t i = 0; i + 1 < prof.pending.size; i += 2) {
    CUevent start = prof.pending.data[i], end = prof.pending.data[i + 1];
    CHECK(cuEventSynchronize(end));
    float ms = 0;
    CHECK(cuEventElapsedTime(&ms, start, end));
    prof.totalMs += ms;
    ++prof.launches;
    CHECK(cuEventDestroy(start));
    CHECK(cuEventDestroy(end));
  }
  prof.pending.size = 0;
  if (launches)
    *launches = prof.launches;
  return prof.totalMs;
}

/// Waits for all work on the device.
void quantx_gpu_synchronize() {
  useContext();
  CHECK(cuCtxSynchronize());
}

} // extern "C"
