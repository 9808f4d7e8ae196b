//===- GPUPipeline.cpp - quantx-gpu-pipeline ------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// quantx + linalg on tensors -> gpu.binary kernels (NVVM -> PTX -> cubin
// with the CUDA toolkit's ptxas) plus host code in the LLVM dialect, built
// from upstream passes after the quantx reference lowering.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/Transforms/OptimizeForNVVM.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace mlir;

namespace {
/// libdevice of the CUDA toolkit at `cudaPath` (empty: $CUDA_ROOT,
/// $CUDA_HOME, $CUDA_PATH or /usr/local/cuda), or "" if there is none.
std::string findLibdevice(StringRef cudaPath) {
  SmallVector<std::string> roots;
  if (!cudaPath.empty())
    roots.push_back(cudaPath.str());
  for (const char *var : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *v = std::getenv(var))
      roots.push_back(v);
  roots.push_back("/usr/local/cuda");
  for (const std::string &root : roots) {
    SmallString<256> path(root);
    llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
    if (llvm::sys::fs::exists(path))
      return std::string(path);
  }
  return "";
}
} // namespace

quantx::QuantXGPUMatmulKernelsOptions
mlir::quantx::getGPUMatmulKernelsOptions(const GPUPipelineOptions &options) {
  QuantXGPUMatmulKernelsOptions kernels;
  kernels.warps = options.warps;
  kernels.rows = options.rows;
  kernels.splitK = options.splitK;
  kernels.smCount = options.smCount;
  kernels.chip = options.chip;
  kernels.tensorCores = options.tensorCores;
  kernels.mmaMinM = options.mmaMinM;
  kernels.mmaMTiles = options.mmaMTiles;
  kernels.mmaNTiles = options.mmaNTiles;
  kernels.mmaStageA = options.mmaStageA;
  return kernels;
}

std::string mlir::quantx::verifyGPUPipelineOptions(const GPUPipelineOptions &options) {
  // The kernel options include the chip, which the whole pipeline targets.
  return verifyGPUMatmulKernelsOptions(getGPUMatmulKernelsOptions(options));
}

/// The gpu-module-to-binary format name of `format`.
static StringRef formatName(quantx::GPUKernelFormat format) {
  switch (format) {
  case quantx::GPUKernelFormat::Isa:
    return "isa";
  case quantx::GPUKernelFormat::Bin:
    return "bin";
  case quantx::GPUKernelFormat::Fatbin:
    return "fatbin";
  }
  llvm_unreachable("unknown GPU kernel format");
}

LogicalResult mlir::quantx::buildQuantXGPUPipeline(OpPassManager &pm,
                                                   const GPUPipelineOptions &options) {
  if (!verifyGPUPipelineOptions(options).empty())
    return failure();
  addPipelineInputPasses(pm);
  if (options.emitCInterface)
    pm.addPass(createQuantXEmitCInterface());
  // The quantx GPU kernels where they apply, then the reference lowering
  // for everything else, bufferized.
  if (options.kernels)
    pm.addPass(createQuantXGPUMatmulKernels(getGPUMatmulKernelsOptions(options)));
  addReferenceLoweringAndBufferization(pm);
  // Parallel loops (one GPU thread per output element; reductions stay
  // sequential in each thread), mapped to blocks and threads and outlined.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addPass(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  // Host buffers in GPU memory; host code allocates, copies and launches.
  pm.addPass(createQuantXGPUDeviceMemory());
  pm.addPass(createGpuKernelOutliningPass());
  // Host-side GPU operations on a stream, with a wait before the host
  // touches results.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  // NVVM, PTX, cubin (ptxas), and the host side in the LLVM dialect: the
  // passes of upstream's gpu-lower-to-nvvm-pipeline, with libdevice linked
  // from the CUDA toolkit given by `cuda-path` so that kernels calling
  // math functions (__nv_*) link wherever the toolkit is.
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  if (std::string libdevice = findLibdevice(options.cudaPath); !libdevice.empty())
    target.linkLibs.push_back(libdevice);
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Device code.
  pm.addNestedPass<gpu::GPUModuleOp>(createStripDebugInfoPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(LLVM::createNVVMOptimizeForTargetPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());
  // Host code and the binaries.
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = formatName(options.format).str();
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  return success();
}
