//===- RaiseDequantization.cpp - frontend dequant generics -> quantx ------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "NibbleUnpacking.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// IREE's and torch-mlir's grouped layout: codes of rank R >= 3 whose last
/// dimension is one group (N x K/G x G), with scales read through the first
/// R-1 dimensions, `(d0, d1)`, or with a unit last dimension, `(d0, d1, 0)`.
bool isLastDimGroupMap(AffineMap map, unsigned rank) {
  if (rank < 3 || map.getNumDims() != rank)
    return false;
  unsigned n = map.getNumResults();
  if (n != rank - 1 && n != rank)
    return false;
  for (unsigned i = 0; i + 1 < rank; ++i)
    if (map.getResult(i) != getAffineDimExpr(i, map.getContext()))
      return false;
  if (n == rank) {
    auto c = dyn_cast<AffineConstantExpr>(map.getResult(rank - 1));
    return c && c.getValue() == 0;
  }
  return true;
}

/// [[0], [1], ..., [rank-2, rank-1]]: merges the last two dimensions.
SmallVector<ReassociationIndices> mergeLastTwo(int64_t rank) {
  SmallVector<ReassociationIndices> r;
  for (int64_t i = 0; i + 2 < rank; ++i)
    r.push_back({i});
  r.push_back({rank - 2, rank - 1});
  return r;
}

/// A constant float zero point as integer codes of `scheme` (`width` bits),
/// or failure where a value is not an integer in the storage range.
FailureOr<DenseElementsAttr> zeroPointCodes(DenseFPElementsAttr values, SchemeAttr scheme,
                                            unsigned width) {
  SmallVector<APInt> ints;
  for (APFloat f : values.getValues<APFloat>()) {
    double d = f.convertToDouble();
    if (d != std::floor(d) || d < scheme.getQuantMin() || d > scheme.getQuantMax())
      return failure();
    ints.push_back(APInt(width, uint64_t(int64_t(d)), /*isSigned=*/false,
                         /*implicitTrunc=*/true));
  }
  auto type = values.getType().clone(IntegerType::get(values.getContext(), width));
  return DenseElementsAttr::get(type, ints);
}

/// The stored codes behind the value `codes` that a dequantization body
/// converts (read unsigned where `isUnsigned`). 4-bit codes widened by an
/// elementwise extui/extsi generic (unpacked i8-packed nibbles) are read
/// narrow: extui gives u4 codes whatever the body's conversion, extsi i4
/// codes under a signed conversion only; `isUnsigned` is updated. Fails,
/// saying why in `whyNot`, on sign-extended nibbles read unsigned and on
/// nibbles still being unpacked (RaiseNibbleUnpacking goes first).
FailureOr<Value> storedCodes(Value codes, bool &isUnsigned, StringRef &whyNot) {
  auto g = codes.getDefiningOp<linalg::GenericOp>();
  if (!g)
    return codes;
  if (succeeded(matchNibbleUnpacking(g))) {
    whyNot = "codes are unpacked nibbles not raised yet";
    return failure();
  }
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !llvm::all_of(g.getIndexingMapsArray(), [](AffineMap m) { return m.isIdentity(); }) ||
      !getElementTypeOrSelf(g.getDpsInputs()[0].getType()).isInteger(4))
    return codes;
  Block &body = g.getRegion().front();
  if (!llvm::hasSingleElement(body.without_terminator()))
    return codes;
  Operation &ext = body.front();
  if (!isa<arith::ExtUIOp, arith::ExtSIOp>(ext) || ext.getOperand(0) != body.getArgument(0) ||
      body.getTerminator()->getOperand(0) != ext.getResult(0))
    return codes;
  bool widenedSigned = isa<arith::ExtSIOp>(ext);
  if (widenedSigned && isUnsigned) {
    whyNot = "sign-extended nibbles read unsigned";
    return failure();
  }
  isUnsigned = !widenedSigned;
  return g.getDpsInputs()[0];
}

struct RaiseDequantization : OpRewritePattern<linalg::GenericOp> {
  RaiseDequantization(MLIRContext *ctx, bool assumeIntegerZeroPoints)
      : OpRewritePattern(ctx), assumeIntegerZeroPoints(assumeIntegerZeroPoints) {}
  bool assumeIntegerZeroPoints;

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
    StringRef whyNot;
    FailureOr<Value> codeValue = storedCodes(codes->get(), isUnsigned, whyNot);
    if (failed(codeValue))
      return rewriter.notifyMatchFailure(op, whyNot);
    auto codeType = cast<RankedTensorType>(codeValue->getType());
    unsigned width = codeType.getElementTypeBitWidth();
    if (!codeType.getElementType().isSignlessInteger() || (width != 4 && width != 8))
      return rewriter.notifyMatchFailure(op, "codes are not i4/i8");
    unsigned rank = codeType.getRank();
    if (!op.getMatchingIndexingMap(codes).isIdentity() ||
        !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
      return rewriter.notifyMatchFailure(op, "codes or result not read in order");
    OpOperand *scale = op.getDpsInputOperand(*scaleIdx);
    AffineMap scaleMap = op.getMatchingIndexingMap(scale);
    FailureOr<Granularity> g = granularityOf(scaleMap, rank);
    // N x K/G x G codes: the scheme of the collapsed N x K tensor, with
    // groups of G along K, and the result expanded back.
    bool lastDimGroups = false;
    if (failed(g)) {
      if (!isLastDimGroupMap(scaleMap, rank) || codeType.isDynamicDim(rank - 1))
        return rewriter.notifyMatchFailure(op, "scale map is no quantx granularity");
      lastDimGroups = true;
      g = Granularity{int64_t(rank - 2), codeType.getDimSize(rank - 1)};
    }
    Type scaleElt = cast<ShapedType>(scale->get().getType()).getElementType();
    if (!scaleElt.isF32() && !scaleElt.isF16() && !scaleElt.isBF16())
      return rewriter.notifyMatchFailure(op, "scale is not f32/f16/bf16");

    MLIRContext *ctx = op.getContext();
    StorageKind kind = width == 8 ? (isUnsigned ? StorageKind::u8 : StorageKind::i8)
                                  : (isUnsigned ? StorageKind::u4 : StorageKind::i4);
    auto scheme = SchemeAttr::get(ctx, kind, g->axis, g->group, false);
    Location loc = op.getLoc();
    // Collapses the last two dimensions of a rank-R operand (codes, or
    // scales with a unit last dimension) in the grouped layout.
    auto collapsed = [&](Value v) -> Value {
      if (!lastDimGroups || cast<RankedTensorType>(v.getType()).getRank() != rank)
        return v;
      return tensor::CollapseShapeOp::create(rewriter, loc, v, mergeLastTwo(rank));
    };

    // A float zero point becomes integer codes of the storage type: at
    // compile time for constants (checked), at run time when allowed.
    Value zeroPoint;
    if (zpIdx) {
      OpOperand *zp = op.getDpsInputOperand(*zpIdx);
      if (op.getMatchingIndexingMap(zp) != scaleMap)
        return rewriter.notifyMatchFailure(op, "zero point and scale maps differ");
      DenseFPElementsAttr zpValues;
      if (matchPattern(zp->get(), m_Constant(&zpValues))) {
        FailureOr<DenseElementsAttr> ints = zeroPointCodes(zpValues, scheme, width);
        if (failed(ints))
          return rewriter.notifyMatchFailure(op, "zero point not an integer code");
        zeroPoint = collapsed(arith::ConstantOp::create(rewriter, loc, *ints));
      } else if (assumeIntegerZeroPoints) {
        Value f = collapsed(zp->get());
        auto intType = cast<RankedTensorType>(f.getType()).clone(rewriter.getIntegerType(width));
        zeroPoint = isUnsigned ? Value(arith::FPToUIOp::create(rewriter, loc, intType, f))
                               : Value(arith::FPToSIOp::create(rewriter, loc, intType, f));
      } else {
        return rewriter.notifyMatchFailure(
            op, "zero point is a run-time value (assume-integer-zero-points)");
      }
    }
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value codesIn = collapsed(*codeValue);
    auto dqType = cast<RankedTensorType>(codesIn.getType()).clone(resultType.getElementType());
    auto dq = DequantizeOp::create(rewriter, loc, dqType, codesIn, collapsed(scale->get()),
                                   zeroPoint, scheme);
    // The verifier checks the scale shape against the scheme; a generic
    // that does not fit stays as it was (quietly: it is valid linalg).
    {
      ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
      if (failed(mlir::verify(dq))) {
        rewriter.eraseOp(dq);
        return rewriter.notifyMatchFailure(op, "parameters do not fit the scheme");
      }
    }
    Value result = dq.getResult();
    if (lastDimGroups)
      result = tensor::ExpandShapeOp::create(rewriter, loc, resultType, result,
                                             mergeLastTwo(rank));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The dimensions of a contraction that reads a grouped weight (expanded
/// back from a raised quantx.dequantize) to merge: runs of adjacent loops of
/// one iterator type that every operand reads contiguously, such as the
/// K/G x G reduction pair and leading unit batch dimensions of IREE's form.
/// After merging, the contraction is a plain matmul the form pass fuses.
SmallVector<ReassociationIndices> groupedContractionDims(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op) || !op.hasPureTensorSemantics() ||
      !linalg::isaContractionOpInterface(op))
    return {};
  bool readsGrouped = llvm::any_of(op.getDpsInputOperands(), [](OpOperand *operand) {
    auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
    return expand && expand.getSrc().getDefiningOp<DequantizeOp>();
  });
  if (!readsGrouped)
    return {};
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0, e = op.getNumLoops(); i < e;) {
    ReassociationIndices run{i};
    int64_t j = i + 1;
    for (; j < e && iterators[j] == iterators[i]; ++j) {
      ReassociationIndices longer = run;
      longer.push_back(j);
      if (!linalg::areDimSequencesPreserved(maps, longer))
        break;
      run = std::move(longer);
    }
    if (run.size() > 1)
      groups.push_back(std::move(run));
    i = j;
  }
  return groups;
}

struct RaiseDequantizationPass
    : quantx::impl::QuantXRaiseDequantizationBase<RaiseDequantizationPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    QuantXRaiseDequantizationOptions options;
    options.assumeIntegerZeroPoints = assumeIntegerZeroPoints;
    populateRaiseDequantizationPatterns(patterns, options);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void mlir::quantx::populateRaiseDequantizationPatterns(
    RewritePatternSet &patterns, const QuantXRaiseDequantizationOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<RaiseDequantization>(ctx, options.assumeIntegerZeroPoints);
  populateRaiseNibbleUnpackingPatterns(patterns);
  linalg::populateCollapseDimensions(patterns, groupedContractionDims);
  // Fold the reshapes the grouped layout leaves between the raised
  // dequantization, the merged contraction and its accumulator.
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
}
