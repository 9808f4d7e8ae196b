//===- CPUPipeline.cpp - quantx-cpu-pipeline ------------------------------===//
//
// quantx + linalg on tensors -> LLVM dialect for the host CPU, built only
// from upstream passes after the quantx reference lowering.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace {
/// Marks every public function with llvm.emit_c_interface.
struct EmitCInterfacePass
    : PassWrapper<EmitCInterfacePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(EmitCInterfacePass)
  StringRef getArgument() const override { return "quantx-emit-c-interface"; }
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr("llvm.emit_c_interface", unit);
  }
};
/// Rank-0 `dense_resource` constants crash MLIR 22's memref-to-LLVM
/// lowering of globals; give them an inline `dense` value instead (one
/// element, so nothing is lost).
struct InlineScalarResourcesPass
    : PassWrapper<InlineScalarResourcesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InlineScalarResourcesPass)
  StringRef getArgument() const override {
    return "quantx-inline-scalar-resources";
  }
  void runOnOperation() override {
    getOperation().walk([](arith::ConstantOp op) {
      auto attr = dyn_cast<DenseResourceElementsAttr>(op.getValue());
      if (!attr || attr.getType().getRank() != 0)
        return;
      AsmResourceBlob *blob = attr.getRawHandle().getBlob();
      if (!blob)
        return;
      ArrayRef<char> data = blob->getData();
      size_t bits = attr.getType().getElementTypeBitWidth();
      if (data.size() * 8 < bits)
        return;
      op.setValueAttr(DenseElementsAttr::getFromRawBuffer(
          attr.getType(), data.take_front((bits + 7) / 8)));
    });
  }
};
/// Linalg ops on buffers to loops: parallel loops (OpenMP threads) for ops
/// with at least `minIterations` iterations (or dynamic sizes), sequential
/// loops for the small ones, whose fork and join would cost more than they
/// save (a decode step has hundreds of tiny elementwise ops).
struct LinalgToLoopsBySizePass
    : PassWrapper<LinalgToLoopsBySizePass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LinalgToLoopsBySizePass)
  explicit LinalgToLoopsBySizePass(int64_t minIterations) : minIterations(minIterations) {}
  StringRef getArgument() const override { return "quantx-linalg-to-loops-by-size"; }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<scf::SCFDialect, memref::MemRefDialect, affine::AffineDialect>();
  }
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      if (!op.hasPureBufferSemantics())
        continue;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      int64_t iterations = 1;
      bool dynamic = false;
      for (int64_t r : ranges) {
        if (ShapedType::isDynamic(r))
          dynamic = true;
        else
          iterations *= r;
      }
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          dynamic || iterations >= minIterations ? linalg::linalgOpToParallelLoops(rewriter, op)
                                                 : linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op->emitError() << "cannot lower to loops";
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }
  }
  int64_t minIterations;
};

/// x86 intrinsics for the kernels (table lookups, pair products), after
/// deallocation: the intrinsic calls declare no memory effects.
struct X86IntrinsicsPass
    : PassWrapper<X86IntrinsicsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(X86IntrinsicsPass)
  X86IntrinsicsPass(bool lookups, bool pairs) : lookups(lookups), pairs(pairs) {}
  StringRef getArgument() const override { return "quantx-x86-intrinsics"; }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<LLVM::LLVMDialect>();
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (lookups)
      quantx::populateX86TableLookupPatterns(patterns);
    if (pairs)
      quantx::populateX86PairProductPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
  bool lookups, pairs;
};
} // namespace

std::unique_ptr<Pass> mlir::quantx::createQuantXEmitCInterfacePass() {
  return std::make_unique<EmitCInterfacePass>();
}

void mlir::quantx::addReferenceLoweringAndBufferization(OpPassManager &pm) {
  pm.addPass(createQuantXLowerParameters());
  pm.addPass(createQuantXLowerToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertElementwiseToLinalgPass());
  // Tensors -> buffers with identity layouts at function boundaries.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Tensors carried by loops (e.g. a model's layer loop) may be reallocated.
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Arguments updated in place (a KV cache) are not returned again: that
  // would make deallocation copy them.
  pm.addPass(createQuantXDropInPlaceResults());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

/// Whether the kernels may use `feature` under the pipeline's cpu-features.
static bool hasFeature(StringRef cpuFeatures, StringRef feature) {
  if (cpuFeatures == "host") {
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    auto it = host.find(feature);
    return it != host.end() && it->second;
  }
  SmallVector<StringRef> list;
  cpuFeatures.split(list, ',', -1, false);
  // avx512f implies avx2 for what the kernels use.
  return llvm::is_contained(list, feature) ||
         (feature == "avx2" && llvm::is_contained(list, "avx512f"));
}

void mlir::quantx::buildQuantXCPUPipeline(OpPassManager &pm,
                                          const CPUPipelineOptions &options) {
  // Kernels for what has them, the reference lowering for the rest.
  pm.addPass(std::make_unique<InlineScalarResourcesPass>());
  bool x86Lookups = false, x86Pairs = false;
  if (options.kernels) {
    QuantXMatmulKernelsOptions kernels;
    bool avx512 = hasFeature(options.cpuFeatures, "avx512f");
    kernels.vectorWidth = options.vectorWidth > 0 ? int64_t(options.vectorWidth)
                                                  : (avx512 ? 16 : 8);
    kernels.x86Permute = kernels.vectorWidth == 16
                             ? avx512
                             : hasFeature(options.cpuFeatures, "avx2");
    x86Lookups = kernels.x86Permute;
    x86Pairs = kernels.vectorWidth == 16 ? hasFeature(options.cpuFeatures, "avx512bw")
                                         : hasFeature(options.cpuFeatures, "avx2");
    // Defaults measured on Zen 3 (AVX2, 16 vector registers): 2 weight rows
    // x 4 input rows of accumulators; twice the rows with 32 registers.
    kernels.rows = options.kernelRows > 0 ? int64_t(options.kernelRows)
                                          : (kernels.vectorWidth >= 16 ? 4 : 2);
    kernels.mRows = options.kernelMRows > 0 ? int64_t(options.kernelMRows) : 4;
    pm.addPass(createQuantXMatmulKernels(kernels));
  }
  if (options.emitCInterface)
    pm.addPass(quantx::createQuantXEmitCInterfacePass());
  quantx::addReferenceLoweringAndBufferization(pm);
  if (options.kernels && (x86Lookups || x86Pairs))
    pm.addPass(std::make_unique<X86IntrinsicsPass>(x86Lookups, x86Pairs));

  // Loops and scalar code; parallel loops on OpenMP threads if asked.
  if (options.openmp)
    pm.addNestedPass<func::FuncOp>(std::make_unique<LinalgToLoopsBySizePass>(1 << 16));
  else
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.openmp) {
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    // Inlines the memref.alloca_scope wrapped around each parallel body
    // (our loop bodies allocate nothing); a scope left in place would hold
    // several blocks once its loops become control flow.
    pm.addPass(createCanonicalizerPass());
  }
  // Reshapes of dynamic shapes expand to affine.apply: lower those too.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));

  // LLVM dialect. Vector ops (including `vector.print`) lower here too.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  if (options.openmp)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  QuantXParameterBindFunctionOptions binding;
  binding.mode = options.parameterBinding;
  pm.addPass(createQuantXParameterBindFunction(binding));
  pm.addPass(createCanonicalizerPass());
}

void mlir::quantx::registerQuantOptPasses() {
  registerQuantOptConversionPasses();
  PassPipelineRegistration<CPUPipelineOptions>(
      "quantx-cpu-pipeline",
      "Lower quantx + linalg on tensors to the LLVM dialect for the host CPU "
      "(mlir-runner, or mlir-translate + llc for an object file)",
      buildQuantXCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "quantx-gpu-pipeline",
      "Lower quantx + linalg on tensors to NVIDIA GPU kernels (gpu.binary with "
      "cubins made by ptxas; GEMV and mma.sync kernels for quantized matmuls) "
      "and host code in the LLVM dialect, buffers in GPU memory",
      buildQuantXGPUPipeline);
}
