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
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/Regex.h"

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
} // namespace

void mlir::quantx::buildQuantXGPUPipeline(OpPassManager &pm,
                                          const GPUPipelineOptions &options) {
  pm.addPass(std::make_unique<CheckGPUChipPass>(options.chip));
  // The quantx GPU kernels where they apply, then the reference lowering
  // for everything else, bufferized.
  if (options.kernels) {
    QuantXGPUMatmulKernelsOptions kernels;
    kernels.warps = options.warps;
    kernels.rows = options.rows;
    kernels.splitK = options.splitK;
    kernels.smCount = options.smCount;
    pm.addPass(createQuantXGPUMatmulKernels(kernels));
  }
  addReferenceLoweringAndBufferization(pm);
  // Parallel loops (one GPU thread per output element; reductions stay
  // sequential in each thread), mapped to blocks and threads and outlined.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addPass(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGpuKernelOutliningPass());
  // NVVM, PTX, cubin (ptxas), and the host side in the LLVM dialect.
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = options.features;
  nvvm.cubinFormat = options.format;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
}
