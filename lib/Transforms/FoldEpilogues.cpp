//===- FoldEpilogues.cpp - fold bias, requantization and scales -----------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Patterns that move work after a quantx.matmul into its epilogue:
//
//   * FuseBias:        matmul -> generic(x + b[n] [, max(., 0)])
//                      => matmul bias(b) [-> generic(max(., 0))]
//   * FoldRequantize:  integer matmul [-> relu] -> quantize (per tensor)
//                      => matmul bias(i32) output(...) [-> max(q, zo)]
//   * FoldScales:      constant per-tensor input scale (and output scale)
//                      folded into the weight scales: sw' = (sa * sw) / so.
//   * FoldRawRescale:  raw i32 matmul -> generic(f32(acc) * s)
//                      => integer matmul with weight scale s.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// Matches `maximumf(x, 0.0)` or `maxnumf(x, 0.0)` (either operand order)
/// and returns x.
Value matchRelu(Operation *op) {
  if (!op || !isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
    return Value();
  for (int i = 0; i < 2; ++i)
    if (matchPattern(op->getOperand(1 - i), m_AnyZeroFloat()))
      return op->getOperand(i);
  return Value();
}

/// A 2-D all-parallel generic writing its result with an identity map.
bool isElementwise2D(linalg::GenericOp g) {
  return g.getNumDpsInits() == 1 && g.getNumLoops() == 2 &&
         g.getNumParallelLoops() == 2 && g.hasPureTensorSemantics() &&
         g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity() &&
         g->getNumResults() == 1;
}

/// The single block argument `arg` of `g` is used only by `user`.
bool blockArgUsedOnlyBy(linalg::GenericOp g, unsigned arg, Operation *user) {
  Value v = g.getBody()->getArgument(arg);
  return llvm::all_of(v.getUsers(), [&](Operation *u) { return u == user; });
}

/// A matmul whose float result may take over work after it.
bool isFoldableMatmul(MatmulOp mm) {
  return mm && mm->hasOneUse() && !mm.getBias() && !mm.getOutSchemeAttr() &&
         getElementTypeOrSelf(mm.getResult().getType()).isF32();
}

/// Builds `generic { max(x, lo) }` over a 2-D tensor into `init`, with lo
/// an integer constant compared signed or unsigned, or 0.0 for floats.
Value buildClampBelow(PatternRewriter &rewriter, Location loc, Value x,
                      Value init,
                      std::optional<std::pair<int32_t, bool>> intLow) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = rewriter.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  // The bound is defined outside the body, which stays a single max op.
  Value lo = intLow ? Value(arith::ConstantIntOp::create(
                          rewriter, loc, type.getElementType(), intLow->first))
                    : Value(arith::ConstantOp::create(
                          rewriter, loc, rewriter.getF32FloatAttr(0.0f)));
  return linalg::GenericOp::create(
             rewriter, loc, type, ValueRange{x}, ValueRange{init},
             ArrayRef<AffineMap>{id, id},
             {utils::IteratorType::parallel, utils::IteratorType::parallel},
             [&](OpBuilder &b, Location l, ValueRange args) {
               Value r;
               if (!intLow)
                 r = arith::MaximumFOp::create(b, l, args[0], lo);
               else if (intLow->second)
                 r = arith::MaxUIOp::create(b, l, args[0], lo);
               else
                 r = arith::MaxSIOp::create(b, l, args[0], lo);
               linalg::YieldOp::create(b, l, r);
             })
      .getResult(0);
}

/// Copies `mm` with a new result type, bias and output parameters.
MatmulOp rebuildMatmul(PatternRewriter &rewriter, MatmulOp mm, Type resultType,
                       Value bias, SchemeAttr outScheme, Value outScale,
                       Value outZp) {
  return MatmulOp::create(rewriter, mm.getLoc(), resultType, mm.getLhs(),
                          mm.getRhs(), mm.getRhsScale(), mm.getRhsZeroPoint(),
                          mm.getLhsScale(), mm.getLhsZeroPoint(), outScale,
                          outZp, bias, mm.getRhsScheme(), mm.getLhsSchemeAttr(),
                          outScheme, mm.getAccumulatorTypeAttr());
}

/// matmul -> generic(x + b[n] [then max(., 0)]) with a 1-D bias: the bias
/// moves into the matmul (the same f32 addition), the ReLU stays.
struct FuseBias : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp g,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise2D(g) || g.getNumDpsInputs() != 2 ||
        !getElementTypeOrSelf(g.getResult(0).getType()).isF32())
      return rewriter.notifyMatchFailure(g, "not a 2-D bias generic");
    MLIRContext *ctx = g.getContext();
    AffineMap colMap =
        AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
    int mmIdx = -1;
    for (int i = 0; i < 2; ++i)
      if (g.getDpsInputOperand(i)->get().getDefiningOp<MatmulOp>() &&
          g.getMatchingIndexingMap(g.getDpsInputOperand(i)).isIdentity() &&
          g.getMatchingIndexingMap(g.getDpsInputOperand(1 - i)) == colMap)
        mmIdx = i;
    if (mmIdx < 0)
      return rewriter.notifyMatchFailure(g, "no matmul + per-column operand");
    auto mm = g.getDpsInputOperand(mmIdx)->get().getDefiningOp<MatmulOp>();
    Value bias = g.getDpsInputOperand(1 - mmIdx)->get();
    if (!isFoldableMatmul(mm))
      return rewriter.notifyMatchFailure(g, "matmul cannot take a bias");
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || !biasType.getElementType().isF32())
      return rewriter.notifyMatchFailure(g, "bias is not a 1-D f32 tensor");

    // Body: %s = addf(mm, b); [%r = max(%s, 0)]; yield.
    Block *body = g.getBody();
    auto yield = cast<linalg::YieldOp>(body->getTerminator());
    Value yielded = yield.getOperand(0);
    Value sum = yielded;
    bool relu = false;
    if (Value inner = matchRelu(yielded.getDefiningOp())) {
      sum = inner;
      relu = true;
    }
    auto add = sum.getDefiningOp<arith::AddFOp>();
    if (!add || add->getBlock() != body || !add->hasOneUse())
      return rewriter.notifyMatchFailure(g, "body is not a bias addition");
    Value mmArg = body->getArgument(mmIdx), bArg = body->getArgument(1 - mmIdx);
    if (!((add.getLhs() == mmArg && add.getRhs() == bArg) ||
          (add.getLhs() == bArg && add.getRhs() == mmArg)))
      return rewriter.notifyMatchFailure(g, "body is not a bias addition");
    // Nothing else may happen in the body.
    if (body->getOperations().size() != (relu ? 3u : 2u))
      return rewriter.notifyMatchFailure(g, "body does more than bias/ReLU");
    if (!blockArgUsedOnlyBy(g, mmIdx, add) ||
        !blockArgUsedOnlyBy(g, 1 - mmIdx, add))
      return rewriter.notifyMatchFailure(g, "operands used elsewhere");

    rewriter.setInsertionPoint(mm);
    MatmulOp fused = rebuildMatmul(rewriter, mm, mm.getResult().getType(), bias,
                                   SchemeAttr(), Value(), Value());
    Value result = fused.getResult();
    if (relu) {
      rewriter.setInsertionPoint(g);
      result = buildClampBelow(rewriter, g.getLoc(), result,
                               g.getDpsInitOperand(0)->get(), std::nullopt);
    }
    rewriter.replaceOp(g, result);
    rewriter.eraseOp(mm);
    return success();
  }
};

/// The bias of `mm` as i32 in the accumulator's units, b / (sa * sw[n])
/// rounded half to even and saturated, when it is a constant.
FailureOr<Value> quantizeBias(PatternRewriter &rewriter, MatmulOp mm) {
  Value bias = mm.getBias();
  if (!bias)
    return Value();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getElementType().isInteger(32))
    return bias;
  std::optional<std::vector<double>> b = getConstantFloatValues(bias);
  std::optional<std::vector<double>> sa = getConstantFloatValues(mm.getLhsScale());
  std::optional<std::vector<double>> sw = getConstantFloatValues(mm.getRhsScale());
  if (!b || !sa || !sw || sa->size() != 1 || !type.hasStaticShape())
    return failure();
  std::vector<int32_t> q(b->size());
  for (size_t n = 0; n < b->size(); ++n) {
    float s = float((*sa)[0]) * float((*sw)[sw->size() == 1 ? 0 : n]);
    float v = float((*b)[n]) / s;
    if (std::isnan(v))
      return failure();
    double r = std::nearbyint(double(v)); // default rounding: half to even
    q[n] = int32_t(std::clamp(r, double(INT32_MIN), double(INT32_MAX)));
  }
  auto qType = RankedTensorType::get(type.getShape(), rewriter.getI32Type());
  return arith::ConstantOp::create(rewriter, mm.getLoc(),
                                    DenseIntElementsAttr::get(qType, ArrayRef(q)))
      .getResult();
}

/// integer matmul [-> relu] -> quantize(per tensor, integer): the matmul
/// requantizes directly, so consecutive quantized layers exchange 8-bit
/// tensors without a float round trip. quantize(relu(y)) = max(quantize(y),
/// zo) because quantization is monotonic and maps 0 to zo.
struct FoldRequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    SchemeAttr scheme = q.getScheme();
    if (!scheme.isPerTensor() || !scheme.isInteger() || scheme.isSubByte())
      return rewriter.notifyMatchFailure(q, "not a per-tensor 8-bit quantize");
    Value x = q.getInput();
    linalg::GenericOp relu;
    if (auto g = x.getDefiningOp<linalg::GenericOp>()) {
      if (!isElementwise2D(g) || g.getNumDpsInputs() != 1 || !g->hasOneUse() ||
          !g.getMatchingIndexingMap(g.getDpsInputOperand(0)).isIdentity() ||
          g.getBody()->getOperations().size() != 2)
        return rewriter.notifyMatchFailure(q, "input is not a ReLU");
      Value yielded = g.getBody()->getTerminator()->getOperand(0);
      if (matchRelu(yielded.getDefiningOp()) != g.getBody()->getArgument(0))
        return rewriter.notifyMatchFailure(q, "input is not a ReLU");
      relu = g;
      x = g.getDpsInputOperand(0)->get();
    }
    auto mm = x.getDefiningOp<MatmulOp>();
    if (!mm || !mm->hasOneUse() || mm.getKind() != MatmulOp::Kind::Integer ||
        mm.isRawAccumulator() || mm.getOutSchemeAttr() || mm.getScaleGroupSize() ||
        !getElementTypeOrSelf(mm.getResult().getType()).isF32())
      return rewriter.notifyMatchFailure(q, "input is not a rescaling integer matmul");
    // The output zero point (0 when symmetric) for the ReLU.
    int32_t zo = 0;
    if (Value zp = q.getZeroPoint()) {
      DenseIntElementsAttr zps;
      if (!matchPattern(zp, m_Constant(&zps)))
        return rewriter.notifyMatchFailure(q, "zero point is not a constant");
      APInt z = *zps.getValues<APInt>().begin();
      zo = scheme.isUnsigned() ? int32_t(z.getZExtValue()) : int32_t(z.getSExtValue());
    }
    rewriter.setInsertionPoint(mm);
    FailureOr<Value> bias = quantizeBias(rewriter, mm);
    if (failed(bias))
      return rewriter.notifyMatchFailure(q, "bias cannot be quantized");
    MatmulOp fused = rebuildMatmul(rewriter, mm, q.getResult().getType(), *bias,
                                   scheme, q.getScale(), q.getZeroPoint());
    Value result = fused.getResult();
    if (relu) {
      // Sizes from the matmul's operands: M from the input, N from the
      // weight (no tensor.dim of a result, which would be another use).
      auto type = cast<RankedTensorType>(result.getType());
      SmallVector<Value> dynamic;
      Value sources[2] = {mm.getLhs(), mm.getRhs()};
      for (int64_t d = 0; d < 2; ++d)
        if (type.isDynamicDim(d))
          dynamic.push_back(tensor::DimOp::create(rewriter, q.getLoc(), sources[d], 0));
      Value init = tensor::EmptyOp::create(rewriter, q.getLoc(), type, dynamic);
      result = buildClampBelow(rewriter, q.getLoc(), result, init,
                               std::make_pair(zo, scheme.isUnsigned()));
    }
    rewriter.replaceOp(q, result);
    if (relu)
      rewriter.eraseOp(relu);
    rewriter.eraseOp(mm);
    return success();
  }
};

/// Whether `v` is a constant whose every element is 1.0.
bool isConstantOne(Value v) {
  std::optional<std::vector<double>> vals = v ? getConstantFloatValues(v) : std::nullopt;
  return vals && llvm::all_of(*vals, [](double d) { return d == 1.0; });
}

/// Constant per-tensor input and output scales fold into the weight scales:
/// sw' = f32(f32(sa * sw) / so), sa' = so' = 1. The epilogue computes
/// exactly these products, so the result is bit-identical while one
/// per-channel multiplier remains.
struct FoldScales : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp mm,
                                PatternRewriter &rewriter) const override {
    if (mm.getKind() == MatmulOp::Kind::WeightOnly || mm.isRawAccumulator() ||
        !mm.getLhsSchemeAttr().isPerTensor())
      return rewriter.notifyMatchFailure(mm, "no per-tensor input scale");
    Value outScale = mm.getOutScale();
    if (isConstantOne(mm.getLhsScale()) && (!outScale || isConstantOne(outScale)))
      return rewriter.notifyMatchFailure(mm, "already folded");
    // An i32 bias was quantized with sa * sw and stays valid; the epilogue
    // product sa * sw is what changes representation, not value.
    std::optional<std::vector<double>> sa = getConstantFloatValues(mm.getLhsScale());
    std::optional<std::vector<double>> sw = getConstantFloatValues(mm.getRhsScale());
    std::optional<std::vector<double>> so =
        outScale ? getConstantFloatValues(outScale) : std::vector<double>{1.0};
    if (!sa || !sw || !so || sa->size() != 1 || so->size() != 1)
      return rewriter.notifyMatchFailure(mm, "scales are not constants");
    auto swType = cast<RankedTensorType>(mm.getRhsScale().getType());
    if (!swType.hasStaticShape())
      return rewriter.notifyMatchFailure(mm, "dynamic weight scale shape");
    std::vector<float> folded(sw->size());
    for (size_t i = 0; i < sw->size(); ++i) {
      float prod = float((*sa)[0]) * float((*sw)[i]);
      folded[i] = outScale ? prod / float((*so)[0]) : prod;
      if (!(folded[i] > 0.0f) || !std::isfinite(folded[i]))
        return rewriter.notifyMatchFailure(mm, "folded scale out of range");
    }
    Location loc = mm.getLoc();
    auto f32Type = RankedTensorType::get(swType.getShape(), rewriter.getF32Type());
    Value newSw = arith::ConstantOp::create(
        rewriter, loc, DenseFPElementsAttr::get(f32Type, ArrayRef(folded)));
    auto oneType = RankedTensorType::get({}, rewriter.getF32Type());
    Value one = arith::ConstantOp::create(
        rewriter, loc, DenseFPElementsAttr::get(oneType, ArrayRef(1.0f)));
    rewriter.modifyOpInPlace(mm, [&] {
      mm.getRhsScaleMutable().assign(newSw);
      mm.getLhsScaleMutable().assign(one);
      if (outScale)
        mm.getOutScaleMutable().assign(one);
    });
    return success();
  }
};

/// raw i32 matmul -> generic(f32(acc) * s) with s a scalar constant, a
/// rank-0 tensor or one value per column: the scaled integer matmul, with
/// s as the weight scale and 1.0 as the input scale. This is how frontends
/// rescale linalg.quantized_matmul. Exact: f32(acc) * (1 * s).
struct FoldRawRescale : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp g,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise2D(g) || g.getNumDpsInputs() < 1 || g.getNumDpsInputs() > 2 ||
        !getElementTypeOrSelf(g.getResult(0).getType()).isF32())
      return rewriter.notifyMatchFailure(g, "not a 2-D rescale");
    auto mm = g.getDpsInputOperand(0)->get().getDefiningOp<MatmulOp>();
    if (!mm || !mm->hasOneUse() || !mm.isRawAccumulator() ||
        !g.getMatchingIndexingMap(g.getDpsInputOperand(0)).isIdentity())
      return rewriter.notifyMatchFailure(g, "input is not a raw integer matmul");
    Block *body = g.getBody();
    if (body->getOperations().size() != 3)
      return rewriter.notifyMatchFailure(g, "body is not sitofp + mulf");
    auto conv = dyn_cast<arith::SIToFPOp>(&body->front());
    auto mul = dyn_cast<arith::MulFOp>(conv ? conv->getNextNode() : nullptr);
    if (!conv || !mul || conv.getIn() != body->getArgument(0) ||
        body->getTerminator()->getOperand(0) != mul.getResult())
      return rewriter.notifyMatchFailure(g, "body is not sitofp + mulf");
    Value other = mul.getLhs() == conv.getResult() ? mul.getRhs() : mul.getLhs();
    MLIRContext *ctx = g.getContext();
    Location loc = g.getLoc();
    Value scale;
    bool perChannel = false;
    if (g.getNumDpsInputs() == 2 && other == body->getArgument(1)) {
      OpOperand *s = g.getDpsInputOperand(1);
      AffineMap map = g.getMatchingIndexingMap(s);
      perChannel = map == AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
      if (!perChannel && map.getNumResults() != 0)
        return rewriter.notifyMatchFailure(g, "scale is not per tensor or per column");
      scale = s->get();
      if (!isa<RankedTensorType>(scale.getType()) ||
          !getElementTypeOrSelf(scale.getType()).isF32())
        return rewriter.notifyMatchFailure(g, "scale is not an f32 tensor");
    } else if (g.getNumDpsInputs() == 1 && other.getParentBlock() != body) {
      FloatAttr c;
      if (!matchPattern(other, m_Constant(&c)) || !c.getType().isF32())
        return rewriter.notifyMatchFailure(g, "scale is not a constant");
      auto type = RankedTensorType::get({}, rewriter.getF32Type());
      scale = arith::ConstantOp::create(
          rewriter, loc, DenseFPElementsAttr::get(type, ArrayRef(float(c.getValueAsDouble()))));
    } else {
      return rewriter.notifyMatchFailure(g, "unsupported scale operand");
    }
    SchemeAttr w = mm.getRhsScheme(), a = mm.getLhsSchemeAttr();
    if (!w.isPerTensor() || !a.isPerTensor())
      return rewriter.notifyMatchFailure(g, "raw matmul schemes are not per tensor");
    if (perChannel)
      w = SchemeAttr::get(ctx, w.getStorage(), 0, std::nullopt, w.getNarrowRange());
    auto oneType = RankedTensorType::get({}, rewriter.getF32Type());
    Value one = arith::ConstantOp::create(
        rewriter, loc, DenseFPElementsAttr::get(oneType, ArrayRef(1.0f)));
    auto scaled = MatmulOp::create(
        rewriter, loc, g.getResult(0).getType(), mm.getLhs(), mm.getRhs(), scale,
        mm.getRhsZeroPoint(), one, mm.getLhsZeroPoint(), Value(), Value(),
        mm.getBias(), w, a, SchemeAttr(), TypeAttr());
    rewriter.replaceOp(g, scaled.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

} // namespace

void mlir::quantx::populateFoldQuantizedMatmulEpiloguePatterns(
    RewritePatternSet &patterns, bool foldRequantize) {
  patterns.add<FuseBias, FoldScales, FoldRawRescale>(patterns.getContext());
  if (foldRequantize)
    patterns.add<FoldRequantize>(patterns.getContext());
}
