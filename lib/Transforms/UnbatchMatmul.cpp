//===- UnbatchMatmul.cpp - batch matmuls with one weight -> matmul --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Frontends spell a linear layer on a 3-D activation as a batch matmul:
// TOSA's `tosa.matmul` (and so `--tosa-to-linalg-pipeline`) takes a weight
// of batch 1, torch-mlir broadcasts a 2-D weight over the batch. Either way
// every batch multiplies the same weight, so the op is one 2-D matmul on
// the activation with batch and rows merged; this makes it one that the
// quantization passes (and quantx.matmul) handle.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXUNBATCHMATMUL
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// The 2-D weight every batch of `rhs` equals: the source of a broadcast
/// along dimension 0, or the single batch of a static batch-1 tensor.
Value getBatchInvariantWeight(PatternRewriter &rewriter, Location loc, Value rhs) {
  if (auto bcast = rhs.getDefiningOp<linalg::BroadcastOp>()) {
    if (bcast.getDimensions() == ArrayRef<int64_t>{0} && bcast.hasPureTensorSemantics())
      return bcast.getInput();
    return Value();
  }
  auto type = cast<RankedTensorType>(rhs.getType());
  if (type.getDimSize(0) != 1)
    return Value();
  auto flat = RankedTensorType::get(type.getShape().drop_front(), type.getElementType());
  return tensor::CollapseShapeOp::create(rewriter, loc, flat, rhs,
                                         ArrayRef<ReassociationIndices>{{0, 1}, {2}});
}

struct UnbatchMatmul : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || op.getNumLoops() != 4 ||
        !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "not a contraction on tensors with 4 loops");
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
    if (failed(dims) || dims->batch.size() != 1 || dims->m.size() != 1 ||
        dims->n.size() != 1 || dims->k.size() != 1)
      return rewriter.notifyMatchFailure(op, "not a batch x M x N x K contraction");
    MLIRContext *ctx = op.getContext();
    AffineExpr b = getAffineDimExpr(dims->batch[0], ctx), m = getAffineDimExpr(dims->m[0], ctx),
               n = getAffineDimExpr(dims->n[0], ctx), k = getAffineDimExpr(dims->k[0], ctx);
    OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1),
              *out = op.getDpsInitOperand(0);
    if (op.getMatchingIndexingMap(lhs).getResults() != ArrayRef<AffineExpr>{b, m, k} ||
        op.getMatchingIndexingMap(out).getResults() != ArrayRef<AffineExpr>{b, m, n})
      return rewriter.notifyMatchFailure(op, "activation or result not batch-major");
    ArrayRef<AffineExpr> rhsExprs = op.getMatchingIndexingMap(rhs).getResults();
    bool nk = rhsExprs == ArrayRef<AffineExpr>{b, n, k};
    if (!nk && rhsExprs != ArrayRef<AffineExpr>{b, k, n})
      return rewriter.notifyMatchFailure(op, "weight not batch-major");

    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (resultType.isDynamicDim(0) && resultType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "both batch and rows are dynamic");

    Location loc = op.getLoc();
    Value weight = getBatchInvariantWeight(rewriter, loc, rhs->get());
    if (!weight)
      return rewriter.notifyMatchFailure(op, "the weight differs between batches");

    // Merge batch and rows: B x M x K -> (B*M) x K, and the accumulator alike.
    SmallVector<ReassociationIndices> merge = {{0, 1}, {2}};
    Value a = tensor::CollapseShapeOp::create(rewriter, loc, lhs->get(), merge);
    Value init;
    if (auto fill = out->get().getDefiningOp<linalg::FillOp>();
        fill && fill.hasPureTensorSemantics()) {
      // Keep a zero fill a fill, which the quantized matmul recognizes.
      Value flat = tensor::CollapseShapeOp::create(rewriter, loc, fill.getOutputs()[0], merge);
      init = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], flat).getResult(0);
    } else {
      init = tensor::CollapseShapeOp::create(rewriter, loc, out->get(), merge);
    }

    AffineExpr d0 = rewriter.getAffineDimExpr(0), d1 = rewriter.getAffineDimExpr(1),
               d2 = rewriter.getAffineDimExpr(2);
    SmallVector<Attribute> maps = {
        AffineMapAttr::get(AffineMap::get(3, 0, {d0, d2}, ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0, nk ? ArrayRef<AffineExpr>{d1, d2}
                                                   : ArrayRef<AffineExpr>{d2, d1},
                                          ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0, {d0, d1}, ctx))};
    auto mm = linalg::MatmulOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{a, weight}, ValueRange{init},
        ArrayRef<NamedAttribute>{rewriter.getNamedAttr("indexing_maps", rewriter.getArrayAttr(maps))});
    // Keep the original location and discardable attributes (names, rules).
    for (NamedAttribute attr : op->getDiscardableAttrs())
      mm->setAttr(attr.getName(), attr.getValue());
    if (!mm->hasAttr(kSourceOpAttr))
      mm->setAttr(kSourceOpAttr, rewriter.getStringAttr(op->getName().getStringRef()));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, mm->getResult(0), merge);
    return success();
  }
};

struct UnbatchMatmulPass : quantx::impl::QuantXUnbatchMatmulBase<UnbatchMatmulPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateUnbatchMatmulPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void mlir::quantx::populateUnbatchMatmulPatterns(RewritePatternSet &patterns) {
  patterns.add<UnbatchMatmul>(patterns.getContext());
}
