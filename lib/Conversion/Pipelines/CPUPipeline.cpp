//===- CPUPipeline.cpp - quantx-cpu-pipeline ------------------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
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
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
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

void mlir::quantx::addPipelineInputPasses(OpPassManager &pm) {
  QuantXFromQuantOptions options;
  options.requireAll = true;
  pm.addPass(createQuantXFromQuant(options));
  pm.addPass(createQuantXInlineScalarResources());
  // Models from --tosa-to-linalg-pipeline keep their weights in tosa.const.
  pm.addPass(createTosaToArithPass());
}

void mlir::quantx::addReferenceLoweringAndBufferization(OpPassManager &pm,
                                                        int64_t outlineMinOps) {
  pm.addPass(createQuantXLowerParameters());
  pm.addPass(createQuantXLowerToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertElementwiseToLinalgPass());
  if (outlineMinOps >= 0)
    pm.addPass(createQuantXOutlineStructuredOps(QuantXOutlineStructuredOpsOptions{outlineMinOps}));
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

FailureOr<quantx::KernelCPUFeatures> mlir::quantx::parseCPUFeatures(StringRef spec,
                                                                   std::string &error) {
  KernelCPUFeatures features;
  if (spec == "none")
    return features;
  llvm::StringMap<bool> enabled;
  if (spec == "host") {
    enabled = llvm::sys::getHostCPUFeatures();
  } else {
    // x86 feature names as LLVM spells them; the kernels use three, the
    // others are accepted so that a target's full list can be given.
    static constexpr StringLiteral known[] = {
        "sse2",       "sse3",       "ssse3",       "sse4.1",     "sse4.2",    "popcnt",
        "avx",        "avx2",       "fma",         "f16c",       "bmi",       "bmi2",
        "avx512f",    "avx512bw",   "avx512dq",    "avx512vl",   "avx512cd",  "avx512vnni",
        "avx512bf16", "avx512fp16", "avx512vbmi",  "avxvnni",    "amx-tile",  "amx-int8",
        "amx-bf16",   "amx-fp16"};
    SmallVector<StringRef> list;
    spec.split(list, ',', -1, /*KeepEmpty=*/false);
    if (list.empty()) {
      error = "cpu-features must be 'host', 'none' or a comma-separated list of x86 features";
      return failure();
    }
    for (StringRef name : list) {
      name = name.trim();
      if (!llvm::is_contained(known, name)) {
        error = ("unknown CPU feature '" + name +
                 "' in cpu-features (expected 'host', 'none', or x86 features such as "
                 "avx2, avx512f, avx512bw)")
                    .str();
        return failure();
      }
      enabled[name] = true;
    }
  }
  auto has = [&](StringRef name) { return enabled.lookup(name); };
  features.avx512f = has("avx512f");
  features.avx2 = has("avx2") || features.avx512f;
  features.avx512bw = has("avx512bw");
  features.avx512vl = has("avx512vl");
  features.avx512vnni = has("avx512vnni");
  features.avxvnni = has("avxvnni");
  return features;
}

quantx::QuantXMatmulKernelsOptions
mlir::quantx::getMatmulKernelsOptions(const CPUPipelineOptions &options) {
  std::string error;
  KernelCPUFeatures features = parseCPUFeatures(options.cpuFeatures, error).value_or(KernelCPUFeatures());
  QuantXMatmulKernelsOptions kernels;
  kernels.vectorWidth = options.vectorWidth > 0 ? int64_t(options.vectorWidth)
                                                : (features.avx512f ? 16 : 8);
  kernels.x86Permute = kernels.vectorWidth == 16 ? features.avx512f
                       : kernels.vectorWidth == 8 ? features.avx2
                                                  : false;
  kernels.vnni = options.kernelVnni < 0 ? features.hasByteDot(kernels.vectorWidth)
                                        : options.kernelVnni > 0;
  if (options.kernelRows > 0)
    kernels.rows = options.kernelRows;
  if (options.kernelMRows > 0)
    kernels.mRows = options.kernelMRows;
  if (options.kernelPanelMinM >= 0)
    kernels.panelMinM = options.kernelPanelMinM;
  kernels.tileWeights = options.kernelTileWeights;
  kernels.prefetchBytes = options.kernelPrefetchBytes;
  return kernels;
}

std::string mlir::quantx::verifyCPUPipelineOptions(const CPUPipelineOptions &options) {
  std::string error;
  if (failed(parseCPUFeatures(options.cpuFeatures, error)))
    return error;
  if (options.kernelVnni < -1 || options.kernelVnni > 1)
    return "kernel-vnni must be -1 (automatic), 0 or 1";
  if (options.vectorWidth < 0 || options.kernelRows < 0 || options.kernelMRows < 0)
    return "vector-width, kernel-rows and kernel-m-rows must be >= 0 (0: automatic)";
  if (options.parallelMinIterations < 1)
    return "parallel-min-iterations must be >= 1";
  if (options.outlineMinOps < -1)
    return "outline-min-ops must be >= 0, or -1 (none)";
  if (options.reassociateReductions < -1 || options.reassociateReductions > 1)
    return "reassociate-reductions must be -1 (as kernels), 0 or 1";
  if (options.parallelMinMacs < 0)
    return "parallel-min-macs must be >= 0";
  if (options.kernels)
    if (std::string kernels = verifyMatmulKernelsOptions(getMatmulKernelsOptions(options));
        !kernels.empty())
      return kernels;
  return "";
}

LogicalResult mlir::quantx::buildQuantXCPUPipeline(OpPassManager &pm,
                                                   const CPUPipelineOptions &options) {
  if (!verifyCPUPipelineOptions(options).empty())
    return failure();
  addPipelineInputPasses(pm);
  // Kernels for what has them, the reference lowering for the rest.
  QuantXX86IntrinsicsOptions intrinsics;
  intrinsics.tableLookups = intrinsics.pairProducts = false;
  if (options.kernels) {
    QuantXMatmulKernelsOptions kernels = getMatmulKernelsOptions(options);
    std::string error;
    KernelCPUFeatures features = *parseCPUFeatures(options.cpuFeatures, error);
    intrinsics.tableLookups = kernels.x86Permute;
    intrinsics.pairProducts = kernels.vectorWidth == 16 ? features.avx512bw
                              : kernels.vectorWidth == 8 ? features.avx2
                                                         : false;
    // Byte dots (the vnni integer kernels', the group-scaled kernel's) at
    // the widths the CPU has vpdpbusd for; the others with nibble operands
    // through vpmaddubsw where it has that.
    bool dot8 = features.hasByteDot(8), dot16 = kernels.vectorWidth == 16 && features.hasByteDot(16);
    intrinsics.byteDots = dot8 || dot16;
    intrinsics.byteDotLanes = dot8 && dot16 ? 0 : dot16 ? 16 : 8;
    bool nib8 = features.avx2, nib16 = kernels.vectorWidth == 16 && features.avx512bw;
    intrinsics.nibbleDots = nib8 || nib16;
    intrinsics.nibbleDotLanes = nib8 && nib16 ? 0 : nib16 ? 16 : 8;
    pm.addPass(createQuantXMatmulKernels(kernels));
  }
  if (options.emitCInterface)
    pm.addPass(createQuantXEmitCInterface());
  addReferenceLoweringAndBufferization(pm, options.outlineMinOps);
  // Copies into subviews (tensor.pad, concatenation) become loops, not calls
  // into MLIR's runner utilities.
  pm.addNestedPass<func::FuncOp>(createQuantXStridedCopiesToLinalg());
  if (intrinsics.tableLookups || intrinsics.pairProducts || intrinsics.byteDots ||
      intrinsics.nibbleDots)
    pm.addPass(createQuantXX86Intrinsics(intrinsics));

  // Loops and scalar code; parallel loops on OpenMP threads if asked. The
  // loops are ordered for LLVM's loop vectorizer first.
  bool reassociate = options.reassociateReductions < 0 ? bool(options.kernels)
                                                      : options.reassociateReductions > 0;
  pm.addNestedPass<func::FuncOp>(
      createQuantXContiguousInnerLoops(QuantXContiguousInnerLoopsOptions{reassociate}));
  if (options.openmp)
    pm.addNestedPass<func::FuncOp>(createQuantXLinalgToLoopsBySize(
        QuantXLinalgToLoopsBySizeOptions{options.parallelMinIterations}));
  else
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(createQuantXHoistInvariantLoads());
  if (options.openmp) {
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    pm.addNestedPass<func::FuncOp>(createQuantXKernelParallelIf(
        QuantXKernelParallelIfOptions{options.parallelMinMacs}));
    // Inlines the memref.alloca_scope wrapped around each parallel body
    // (our loop bodies allocate nothing); a scope left in place would hold
    // several blocks once its loops become control flow.
    pm.addPass(createCanonicalizerPass());
  }
  // Reshapes of dynamic shapes expand to affine.apply: lower those too.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Min and max stay whole: LLVM vectorizes their reductions.
  pm.addPass(createQuantXExpandArith());

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
  return success();
}
