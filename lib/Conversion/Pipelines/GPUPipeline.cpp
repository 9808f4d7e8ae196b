//===- GPUPipeline.cpp - quantx-gpu-pipeline ------------------------------===//
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
#include "llvm/Support/Regex.h"

#include <cstdlib>

using namespace mlir;

namespace {
/// Rejects chips the pipeline's PTX version cannot target, with a message
/// instead of LLVM's fatal error.
struct CheckGPUChipPass : PassWrapper<CheckGPUChipPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckGPUChipPass)
  explicit CheckGPUChipPass(std::string chip) : chip(std::move(chip)) {}
  StringRef getArgument() const override { return "quantx-check-gpu-chip"; }
  void runOnOperation() override {
    SmallVector<StringRef> match;
    llvm::Regex re("^sm_([0-9]+)a?$");
    unsigned version = 0;
    if (!re.match(chip, &match) || match[1].getAsInteger(10, version) ||
        version < 70 || version > 90) {
      getOperation().emitError()
          << "quantx-gpu-pipeline: unsupported chip '" << chip
          << "'; expected sm_70 to sm_90a (e.g. sm_80, sm_89, sm_90)";
      signalPassFailure();
    }
  }
  std::string chip;
};

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

void mlir::quantx::buildQuantXGPUPipeline(OpPassManager &pm,
                                          const GPUPipelineOptions &options) {
  pm.addPass(std::make_unique<CheckGPUChipPass>(options.chip));
  if (options.emitCInterface)
    pm.addPass(createQuantXEmitCInterfacePass());
  // The quantx GPU kernels where they apply, then the reference lowering
  // for everything else, bufferized.
  if (options.kernels) {
    QuantXGPUMatmulKernelsOptions kernels;
    kernels.warps = options.warps;
    kernels.rows = options.rows;
    kernels.splitK = options.splitK;
    kernels.smCount = options.smCount;
    kernels.chip = options.chip;
    kernels.tensorCores = options.tensorCores;
    pm.addPass(createQuantXGPUMatmulKernels(kernels));
  }
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
  pm.addPass(createGpuKernelOutliningPass());
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
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}
