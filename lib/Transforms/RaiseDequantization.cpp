//===- RaiseDequantization.cpp - frontend dequant generics -> quantx ------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXRAISEDEQUANTIZATION
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// The scheme granularity an input's indexing map expresses, relative to the
/// identity map of the codes: () per tensor, (d_a) per channel, the identity
/// with d_a replaced by d_a floordiv g per group.
struct Granularity {
  std::optional<int64_t> axis, group;
};

FailureOr<Granularity> granularityOf(AffineMap map, unsigned rank) {
  Granularity g;
  if (map.getNumResults() == 0)
    return g;
  if (map.getNumResults() == 1 && rank >= 1) {
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(0))) {
      g.axis = d.getPosition();
      return g;
    }
  }
  if (map.getNumResults() != rank)
    return failure();
  for (unsigned i = 0; i < rank; ++i) {
    AffineExpr e = map.getResult(i);
    if (e == getAffineDimExpr(i, map.getContext()))
      continue;
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin || bin.getKind() != AffineExprKind::FloorDiv || g.axis ||
        bin.getLHS() != getAffineDimExpr(i, map.getContext()))
      return failure();
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (!c || c.getValue() <= 0)
      return failure();
    g.axis = i;
    g.group = c.getValue();
  }
  if (!g.axis)
    return failure(); // a full-shape scale is not a scheme
  return g;
}

struct RaiseDequantization : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops() ||
        op.getNumDpsInputs() < 2 || op.getNumDpsInputs() > 3)
      return rewriter.notifyMatchFailure(op, "not an elementwise 2/3-input op");
    Block &body = op.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Value v = yield.getOperand(0);

    // mulf(x, scale) in either order, scale a block argument.
    auto mul = v.getDefiningOp<arith::MulFOp>();
    if (!mul)
      return rewriter.notifyMatchFailure(op, "no final multiplication by a scale");
    auto asInputArg = [&](Value x) -> std::optional<unsigned> {
      auto arg = dyn_cast<BlockArgument>(x);
      if (!arg || arg.getOwner() != &body || arg.getArgNumber() >= op.getNumDpsInputs())
        return std::nullopt;
      return arg.getArgNumber();
    };
    std::optional<unsigned> scaleIdx = asInputArg(mul.getRhs());
    Value x = mul.getLhs();
    if (!scaleIdx) {
      scaleIdx = asInputArg(mul.getLhs());
      x = mul.getRhs();
    }
    if (!scaleIdx)
      return rewriter.notifyMatchFailure(op, "scale is not an input");
    // Optional subf(f, zeroPoint).
    std::optional<unsigned> zpIdx;
    if (auto sub = x.getDefiningOp<arith::SubFOp>()) {
      zpIdx = asInputArg(sub.getRhs());
      if (!zpIdx)
        return rewriter.notifyMatchFailure(op, "zero point is not an input");
      x = sub.getLhs();
    }
    // uitofp/sitofp of the code, possibly after extui/extsi.
    bool isUnsigned;
    if (auto u = x.getDefiningOp<arith::UIToFPOp>()) {
      isUnsigned = true;
      x = u.getIn();
    } else if (auto si = x.getDefiningOp<arith::SIToFPOp>()) {
      isUnsigned = false;
      x = si.getIn();
    } else {
      return rewriter.notifyMatchFailure(op, "no integer-to-float conversion");
    }
    if (auto e = x.getDefiningOp<arith::ExtUIOp>()) {
      isUnsigned = true;
      x = e.getIn();
    } else if (auto e = x.getDefiningOp<arith::ExtSIOp>()) {
      if (isUnsigned)
        return rewriter.notifyMatchFailure(op, "mixed signedness");
      x = e.getIn();
    }
    std::optional<unsigned> codeIdx = asInputArg(x);
    if (!codeIdx || codeIdx == scaleIdx || codeIdx == zpIdx)
      return rewriter.notifyMatchFailure(op, "code is not an input");
    unsigned used = 2 + (zpIdx ? 1 : 0);
    if (used != op.getNumDpsInputs())
      return rewriter.notifyMatchFailure(op, "unexpected extra inputs");

    OpOperand *codes = op.getDpsInputOperand(*codeIdx);
    auto codeType = cast<RankedTensorType>(codes->get().getType());
    unsigned width = codeType.getElementTypeBitWidth();
    if (!codeType.getElementType().isSignlessInteger() || (width != 4 && width != 8))
      return rewriter.notifyMatchFailure(op, "codes are not i4/i8");
    unsigned rank = codeType.getRank();
    if (!op.getMatchingIndexingMap(codes).isIdentity() ||
        !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
      return rewriter.notifyMatchFailure(op, "codes or result not read in order");
    OpOperand *scale = op.getDpsInputOperand(*scaleIdx);
    FailureOr<Granularity> g = granularityOf(op.getMatchingIndexingMap(scale), rank);
    if (failed(g))
      return rewriter.notifyMatchFailure(op, "scale map is no quantx granularity");
    Type scaleElt = cast<ShapedType>(scale->get().getType()).getElementType();
    if (!scaleElt.isF32() && !scaleElt.isF16() && !scaleElt.isBF16())
      return rewriter.notifyMatchFailure(op, "scale is not f32/f16/bf16");

    MLIRContext *ctx = op.getContext();
    StorageKind kind = width == 8 ? (isUnsigned ? StorageKind::u8 : StorageKind::i8)
                                  : (isUnsigned ? StorageKind::u4 : StorageKind::i4);
    auto scheme = SchemeAttr::get(ctx, kind, g->axis, g->group, false);

    // A float zero point becomes an integer constant of the storage type.
    Value zeroPoint;
    if (zpIdx) {
      OpOperand *zp = op.getDpsInputOperand(*zpIdx);
      if (op.getMatchingIndexingMap(zp) != op.getMatchingIndexingMap(scale))
        return rewriter.notifyMatchFailure(op, "zero point and scale maps differ");
      DenseFPElementsAttr zpValues;
      if (!matchPattern(zp->get(), m_Constant(&zpValues)))
        return rewriter.notifyMatchFailure(op, "zero point is not a constant");
      SmallVector<APInt> ints;
      for (APFloat f : zpValues.getValues<APFloat>()) {
        double d = f.convertToDouble();
        if (d != std::floor(d) || d < scheme.getQuantMin() || d > scheme.getQuantMax())
          return rewriter.notifyMatchFailure(op, "zero point not an integer code");
        ints.push_back(APInt(width, uint64_t(int64_t(d)), /*isSigned=*/false,
                             /*implicitTrunc=*/true));
      }
      auto zpType = zpValues.getType().clone(rewriter.getIntegerType(width));
      zeroPoint = arith::ConstantOp::create(rewriter, op.getLoc(),
                                            DenseElementsAttr::get(zpType, ints));
    }
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    auto dq = DequantizeOp::create(rewriter, op.getLoc(), resultType,
                                   codes->get(), scale->get(), zeroPoint, scheme);
    // The verifier checks the scale shape against the scheme; a generic
    // that does not fit stays as it was (quietly: it is valid linalg).
    ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
    if (failed(mlir::verify(dq))) {
      rewriter.eraseOp(dq);
      return rewriter.notifyMatchFailure(op, "parameters do not fit the scheme");
    }
    rewriter.replaceOp(op, dq.getResult());
    return success();
  }
};

struct RaiseDequantizationPass
    : quantx::impl::QuantXRaiseDequantizationBase<RaiseDequantizationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseDequantizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void mlir::quantx::populateRaiseDequantizationPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseDequantization>(patterns.getContext());
}
