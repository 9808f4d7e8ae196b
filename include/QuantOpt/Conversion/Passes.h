//===- Passes.h - quant-opt conversion passes -----------------*- C++ -*-===//
#ifndef QUANTOPT_CONVERSION_PASSES_H
#define QUANTOPT_CONVERSION_PASSES_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class RewritePatternSet;

namespace quantx {

#define GEN_PASS_DECL
#include "QuantOpt/Conversion/Passes.h.inc"

/// Patterns lowering every quantx op to linalg/arith/math on tensors.
void populateQuantXToLinalgPatterns(RewritePatternSet &patterns);

/// Patterns converting quant.qcast/quant.dcast into quantx ops.
void populateQuantToQuantXPatterns(RewritePatternSet &patterns);

/// Patterns converting expressible quantx quantize/dequantize into quant casts.
void populateQuantXToQuantPatterns(RewritePatternSet &patterns);

/// Name of the runtime function that instrumented observers call, and of
/// the module attribute listing the observers' names by index.
inline constexpr llvm::StringLiteral kObserveFunction = "quantx_observe";
inline constexpr llvm::StringLiteral kObserversAttr = "quantx.observers";

/// Options of the `quantx-cpu-pipeline`.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Add llvm.emit_c_interface to every public function so "
                     "it can be called from C with memref descriptors"),
      llvm::cl::init(false)};
};

/// Builds the pipeline that takes quantx + linalg + tensor + arith + func to
/// the LLVM dialect for execution on the host CPU (mlir-runner or an object
/// file). Plain float modules go through it unchanged apart from lowering.
void buildQuantXCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Conversion/Passes.h.inc"

/// Registers the passes above and the named pipelines.
void registerQuantOptPasses();

} // namespace quantx
} // namespace mlir

#endif // QUANTOPT_CONVERSION_PASSES_H
