//===- ContiguousInnerLoops.cpp - loop order for LLVM's vectorizer --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// --quantx-contiguous-inner-loops: linalg ops on buffers get the loop order
// whose innermost loop reads and writes memory contiguously, and their float
// reductions may reassociate, so that the loops they lower to vectorize.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/KernelCommon.h"
#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXCONTIGUOUSINNERLOOPS
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;

namespace {
/// Loops shorter than this are not worth moving innermost.
constexpr int64_t kMinInnerLoopSize = 8;

/// Whether the last dimension of `value`'s memref has unit stride, or a
/// dynamic one: views passed to outlined functions have fully dynamic
/// layouts, and the slices they come from have unit inner strides in
/// practice (LLVM versions the loop on the stride being 1).
bool lastDimIsContiguous(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         (strides.back() == 1 || ShapedType::isDynamic(strides.back()));
}

/// How well loop `dim` of `op` suits the innermost position: +1 per operand
/// it walks contiguously (the operand's last dimension is that loop alone,
/// with unit stride), -1 per operand it walks with a stride.
int64_t innermostScore(linalg::LinalgOp op, unsigned dim) {
  int64_t score = 0;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (map.getNumResults() == 0)
      continue;
    bool contiguous = false, strided = false;
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      if (!expr.isFunctionOfDim(dim))
        continue;
      bool last = i + 1 == map.getNumResults();
      auto d = dyn_cast<AffineDimExpr>(expr);
      if (last && d && d.getPosition() == dim && lastDimIsContiguous(operand.get()))
        contiguous = true;
      else
        strided = true;
    }
    score += strided ? -1 : contiguous ? 1 : 0;
  }
  return score;
}

/// The loop that should be innermost, or the current innermost one.
unsigned chooseInnermostLoop(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned best = numLoops - 1;
  int64_t bestScore = innermostScore(op, best);
  for (unsigned dim = 0; dim + 1 < numLoops; ++dim) {
    if (!ShapedType::isDynamic(sizes[dim]) && sizes[dim] < kMinInnerLoopSize)
      continue;
    // A reduction loop with another reduction loop after it would change
    // the order in which each output element accumulates.
    if (iterators[dim] == utils::IteratorType::reduction &&
        llvm::any_of(llvm::drop_begin(iterators, dim + 1), [](utils::IteratorType t) {
          return t == utils::IteratorType::reduction;
        }))
      continue;
    int64_t score = innermostScore(op, dim);
    if (score > bestScore) {
      best = dim;
      bestScore = score;
    }
  }
  return best;
}

bool inKernelFunction(Operation *op) {
  auto func = op->getParentOfType<FunctionOpInterface>();
  return func && func->hasAttr(quantx::kKernelAttrName);
}

/// Moves the loop chosen by chooseInnermostLoop innermost.
struct InterchangeForContiguousInnerLoop
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || op.getNumLoops() < 2 || inKernelFunction(op))
      return failure();
    unsigned numLoops = op.getNumLoops();
    unsigned inner = chooseInnermostLoop(op);
    if (inner == numLoops - 1)
      return rewriter.notifyMatchFailure(op, "the innermost loop is already the best");
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return failure();
      generic = *generalized;
    }
    SmallVector<unsigned> permutation;
    for (unsigned dim = 0; dim < numLoops; ++dim)
      if (dim != inner)
        permutation.push_back(dim);
    permutation.push_back(inner);
    return linalg::interchangeGenericOp(rewriter, generic, permutation);
  }
};

/// Gives the combining operation of each float reduction fastmath<reassoc>.
struct ReassociateFloatReductions
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() || op.getNumReductionLoops() == 0 ||
        inKernelFunction(op) || op->getNumRegions() != 1 || op->getRegion(0).empty())
      return failure();
    Block *body = op.getBlock();
    auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
    if (!yield)
      return failure();
    bool changed = false;
    for (auto [i, init] : llvm::enumerate(op.getDpsInitsMutable())) {
      BlockArgument acc = op.getMatchingBlockArgument(&init);
      Value yielded = yield.getOperand(i);
      auto combiner = yielded.getDefiningOp<arith::ArithFastMathInterface>();
      auto type = dyn_cast<FloatType>(acc.getType());
      // 16-bit accumulators round at every step: reordering their sums
      // would change results visibly, so they stay sequential.
      if (!combiner || !type || type.getWidth() < 32 ||
          !llvm::is_contained(combiner->getOperands(), acc))
        continue;
      arith::FastMathFlagsAttr attr = combiner.getFastMathFlagsAttr();
      arith::FastMathFlags flags = attr ? attr.getValue() : arith::FastMathFlags::none;
      if (arith::bitEnumContainsAll(flags, arith::FastMathFlags::reassoc))
        continue;
      rewriter.modifyOpInPlace(combiner, [&] {
        combiner->setAttr(combiner.getFastMathAttrName(),
                          arith::FastMathFlagsAttr::get(
                              op->getContext(), flags | arith::FastMathFlags::reassoc));
      });
      changed = true;
    }
    return success(changed);
  }
};

struct ContiguousInnerLoopsPass
    : quantx::impl::QuantXContiguousInnerLoopsBase<ContiguousInnerLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    quantx::populateContiguousInnerLoopPatterns(patterns, reassociateReductions);
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace

void mlir::quantx::populateContiguousInnerLoopPatterns(RewritePatternSet &patterns,
                                                       bool reassociateReductions) {
  patterns.add<InterchangeForContiguousInnerLoop>(patterns.getContext());
  if (reassociateReductions)
    patterns.add<ReassociateFloatReductions>(patterns.getContext());
}
