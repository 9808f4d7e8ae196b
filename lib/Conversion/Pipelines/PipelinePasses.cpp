//===- PipelinePasses.cpp - small passes of the CPU and GPU pipelines -----===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// --quantx-emit-c-interface, --quantx-inline-scalar-resources,
// --quantx-linalg-to-loops-by-size, --quantx-kernel-parallel-if and
// --quantx-strided-copies-to-linalg: steps of the pipelines that upstream MLIR
// has no pass for.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/KernelCommon.h"
#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Analysis/AliasAnalysis/LocalAliasAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXEMITCINTERFACE
#define GEN_PASS_DEF_QUANTXINLINESCALARRESOURCES
#define GEN_PASS_DEF_QUANTXLINALGTOLOOPSBYSIZE
#define GEN_PASS_DEF_QUANTXKERNELPARALLELIF
#define GEN_PASS_DEF_QUANTXEXPANDARITH
#define GEN_PASS_DEF_QUANTXHOISTINVARIANTLOADS
#define GEN_PASS_DEF_QUANTXSTRIDEDCOPIESTOLINALG
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;

namespace {
struct StridedCopiesToLinalgPass
    : quantx::impl::QuantXStridedCopiesToLinalgBase<StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      // The cases the LLVM lowering turns into a memcpy stay.
      auto contiguous = [](MemRefType type) {
        return type.getLayout().isIdentity() ||
               memref::isStaticShapeAndContiguousRowMajor(type);
      };
      if (source && target && !(contiguous(source) && contiguous(target)))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};

struct EmitCInterfacePass
    : quantx::impl::QuantXEmitCInterfaceBase<EmitCInterfacePass> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr("llvm.emit_c_interface", unit);
  }
};

struct InlineScalarResourcesPass
    : quantx::impl::QuantXInlineScalarResourcesBase<InlineScalarResourcesPass> {
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

/// The number of iterations of `op`'s loops, or nullopt if one is dynamic.
std::optional<int64_t> staticIterations(linalg::LinalgOp op) {
  int64_t iterations = 1;
  for (int64_t r : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(r))
      return std::nullopt;
    iterations *= r;
  }
  return iterations;
}

/// Parallel chunks from which the dimensions after them run sequentially.
constexpr int64_t kParallelChunks = 64;

/// Splits `parallel` (n >= 2 dimensions, no loop inside) into a parallel
/// loop over its leading dimensions (the fewest whose static sizes give at
/// least kParallelChunks iterations; a dynamic size counts as 1, and the
/// last dimension never) and nested sequential `scf.for` loops over the
/// rest. OpenMP collapses the dimensions of a parallel loop into one
/// iteration count and recovers each index with divisions: the addresses
/// of the innermost loop would then not be affine (LLVM's loop vectorizer
/// needs them to be), and LLVM turns a size-2 index recovered from the low
/// bit into bit operations it cannot analyze either. Returns false (and
/// changes nothing) for other loops.
static bool sequentialInnerDimensions(RewriterBase &rewriter, scf::ParallelOp parallel) {
  unsigned n = parallel.getNumLoops();
  Block *body = parallel.getBody();
  bool hasInnerLoop = body->walk([](LoopLikeOpInterface) { return WalkResult::interrupt(); })
                          .wasInterrupted();
  if (n < 2 || hasInnerLoop || !parallel.getInitVals().empty())
    return false;
  unsigned keep = 0;
  for (int64_t chunks = 1; keep + 1 < n && chunks < kParallelChunks; ++keep) {
    std::optional<int64_t> lb = getConstantIntValue(parallel.getLowerBound()[keep]),
                           ub = getConstantIntValue(parallel.getUpperBound()[keep]),
                           step = getConstantIntValue(parallel.getStep()[keep]);
    if (lb && ub && step && *step > 0)
      chunks *= std::max<int64_t>(1, (*ub - *lb + *step - 1) / *step);
  }
  Location loc = parallel.getLoc();
  rewriter.setInsertionPoint(parallel);
  auto outer = scf::ParallelOp::create(rewriter, loc, parallel.getLowerBound().take_front(keep),
                                       parallel.getUpperBound().take_front(keep),
                                       parallel.getStep().take_front(keep));
  SmallVector<Value> indices(outer.getInductionVars());
  rewriter.setInsertionPointToStart(outer.getBody());
  scf::ForOp inner;
  for (unsigned d = keep; d < n; ++d) {
    inner = scf::ForOp::create(rewriter, loc, parallel.getLowerBound()[d],
                               parallel.getUpperBound()[d], parallel.getStep()[d]);
    indices.push_back(inner.getInductionVar());
    rewriter.setInsertionPointToStart(inner.getBody());
  }
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, inner.getBody()->getTerminator(), indices);
  rewriter.eraseOp(parallel);
  return true;
}

struct LinalgToLoopsBySizePass
    : quantx::impl::QuantXLinalgToLoopsBySizeBase<LinalgToLoopsBySizePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      if (!op.hasPureBufferSemantics())
        continue;
      std::optional<int64_t> iterations = staticIterations(op);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          !iterations || *iterations >= minIterations ? linalg::linalgOpToParallelLoops(rewriter, op)
                                                      : linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op->emitError() << "cannot lower to loops";
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      // Parallel loops inside the outermost one (after a reduction loop)
      // run sequentially: OpenMP would otherwise fork at every iteration
      // of the loops around them.
      if (loops->empty())
        continue;
      Operation *outermost = loops->front();
      // The innermost loop stays affine (and vectorizable) under OpenMP.
      if (auto parallel = dyn_cast<scf::ParallelOp>(outermost);
          parallel && sequentialInnerDimensions(rewriter, parallel))
        continue;
      SmallVector<scf::ParallelOp> inner; // innermost first
      outermost->walk([&](scf::ParallelOp parallel) {
        if (parallel != outermost)
          inner.push_back(parallel);
      });
      for (scf::ParallelOp parallel : inner) {
        rewriter.setInsertionPoint(parallel);
        if (failed(scf::parallelForToNestedFors(rewriter, parallel))) {
          parallel->emitError() << "cannot make an inner parallel loop sequential";
          return signalPassFailure();
        }
      }
    }
  }
};
/// The memrefs `body`'s ops may write (stores, frees); nullopt when some op
/// has effects that name no value or is not known to have none.
static std::optional<SmallVector<Value>> writtenMemrefs(Block &body) {
  SmallVector<Value> written;
  WalkResult result = body.walk([&](Operation *op) {
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance();
    auto interface = dyn_cast<MemoryEffectOpInterface>(op);
    if (!interface)
      return WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> effects;
    interface.getEffects(effects);
    for (const MemoryEffects::EffectInstance &effect : effects) {
      // (A fresh buffer aliases nothing loaded from outside the loop.)
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
        continue;
      if (!effect.getValue())
        return WalkResult::interrupt();
      written.push_back(effect.getValue());
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return std::nullopt;
  return written;
}

struct HoistInvariantLoadsPass
    : quantx::impl::QuantXHoistInvariantLoadsBase<HoistInvariantLoadsPass> {
  void runOnOperation() override {
    LocalAliasAnalysis aliases;
    getOperation().walk([&](scf::ForOp loop) {
      Block &body = *loop.getBody();
      bool innermost = !body.walk([](LoopLikeOpInterface) { return WalkResult::interrupt(); })
                            .wasInterrupted();
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                             ub = getConstantIntValue(loop.getUpperBound()),
                             step = getConstantIntValue(loop.getStep());
      if (!innermost || !lb || !ub || !step || *step <= 0 || *ub <= *lb)
        return;
      std::optional<SmallVector<Value>> written = writtenMemrefs(body);
      if (!written)
        return;
      auto invariant = [&](memref::LoadOp load) {
        return loop.isDefinedOutsideOfLoop(load.getMemRef()) &&
               llvm::all_of(load.getIndices(),
                            [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }) &&
               llvm::none_of(*written, [&](Value w) {
                 return !aliases.alias(w, load.getMemRef()).isNo();
               });
      };
      // Index computations first, then the loads, then what uses them.
      moveLoopInvariantCode(loop);
      bool moved = false;
      for (memref::LoadOp load : llvm::make_early_inc_range(body.getOps<memref::LoadOp>()))
        if (invariant(load)) {
          load->moveBefore(loop);
          moved = true;
        }
      if (moved)
        moveLoopInvariantCode(loop);
    });
  }
};

struct ExpandArithPass : quantx::impl::QuantXExpandArithBase<ExpandArithPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateCeilFloorDivExpandOpsPatterns(patterns);
    arith::populateExpandBFloat16Patterns(patterns);
    arith::populateExpandScalingExtTruncPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct KernelParallelIfPass
    : quantx::impl::QuantXKernelParallelIfBase<KernelParallelIfPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto kernel = func->getAttrOfType<DictionaryAttr>(quantx::kKernelAttrName);
    if (!kernel || func.isExternal() || func.getNumArguments() == 0)
      return;
    auto n = kernel.getAs<IntegerAttr>("n"), k = kernel.getAs<IntegerAttr>("k");
    auto input = dyn_cast<MemRefType>(func.getArgument(0).getType());
    if (!n || !k || !input || input.getRank() != 2)
      return;
    SmallVector<omp::ParallelOp> regions;
    func.walk([&](omp::ParallelOp op) {
      if (!op.getIfExpr())
        regions.push_back(op);
    });
    if (regions.empty())
      return;
    OpBuilder b(func.getBody());
    Location loc = func.getLoc();
    Value m = memref::DimOp::create(b, loc, func.getArgument(0), 0);
    Value macs = arith::MulIOp::create(
        b, loc, m, arith::ConstantIndexOp::create(b, loc, n.getInt() * k.getInt()));
    Value enough = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, macs,
                                         arith::ConstantIndexOp::create(b, loc, minMacs));
    for (omp::ParallelOp op : regions)
      op.getIfExprMutable().assign(enough);
  }
};
} // namespace
