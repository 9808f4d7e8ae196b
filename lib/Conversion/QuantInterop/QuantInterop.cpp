//===- QuantInterop.cpp - quant.qcast/dcast <-> quantx --------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Converts between upstream `!quant.uniform` casts and quantx ops wherever a
// scheme is expressible on both sides.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXFROMQUANT
#define GEN_PASS_DEF_QUANTXTOQUANT
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

//===----------------------------------------------------------------------===//
// quant -> quantx
//===----------------------------------------------------------------------===//

/// A quant type translated into a quantx scheme with constant parameters.
struct UniformParams {
  SchemeAttr scheme;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};

/// Translates `type`, or returns the reason it is not expressible.
FailureOr<UniformParams> fromQuantType(Type type, std::string &why) {
  auto q = dyn_cast<quant::QuantizedType>(type);
  if (!q) {
    why = "not a quantized type";
    return failure();
  }
  // Only uniform types have the storage and parameters read below
  // (calibrated and sub-channel types do not).
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(q)) {
    why = "only uniform per-tensor and per-axis types map to quantx";
    return failure();
  }
  unsigned width = q.getStorageTypeIntegralWidth();
  if (!isa<IntegerType>(q.getStorageType()) || (width != 8 && width != 4)) {
    why = "only 8-bit and 4-bit integer storage maps to quantx";
    return failure();
  }
  StorageKind kind = width == 8 ? (q.isSigned() ? StorageKind::i8 : StorageKind::u8)
                                : (q.isSigned() ? StorageKind::i4 : StorageKind::u4);
  int64_t fullMin = quant::QuantizedType::getDefaultMinimumForInteger(
      q.isSigned(), width);
  int64_t fullMax = quant::QuantizedType::getDefaultMaximumForInteger(
      q.isSigned(), width);
  bool narrow = q.getStorageTypeMin() == fullMin + 1;
  if ((q.getStorageTypeMin() != fullMin && !narrow) ||
      q.getStorageTypeMax() != fullMax) {
    why = "storage range [" + std::to_string(q.getStorageTypeMin()) + ", " +
          std::to_string(q.getStorageTypeMax()) +
          "] is neither the full nor the narrow range";
    return failure();
  }
  Type expressed = q.getExpressedType();
  if (!expressed.isF32() && !expressed.isF16() && !expressed.isBF16()) {
    why = "expressed type must be f32, f16 or bf16";
    return failure();
  }
  MLIRContext *ctx = type.getContext();
  // Zero points outside the storage range cannot be stored (they would
  // wrap); leave such casts alone.
  auto zpInRange = [&](int64_t z) {
    return z >= q.getStorageTypeMin() && z <= q.getStorageTypeMax();
  };
  auto badZp = [&](int64_t z) {
    why = "zero point " + std::to_string(z) + " is outside the storage range [" +
          std::to_string(q.getStorageTypeMin()) + ", " +
          std::to_string(q.getStorageTypeMax()) + "]";
    return failure();
  };
  UniformParams p;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(type)) {
    if (!zpInRange(u.getZeroPoint()))
      return badZp(u.getZeroPoint());
    p.scheme = SchemeAttr::get(ctx, kind, std::nullopt, std::nullopt, narrow);
    p.scales.push_back(u.getScale());
    p.zeroPoints.push_back(u.getZeroPoint());
    return p;
  }
  if (auto u = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    for (int64_t z : u.getZeroPoints())
      if (!zpInRange(z))
        return badZp(z);
    p.scheme = SchemeAttr::get(ctx, kind, int64_t(u.getQuantizedDimension()),
                               std::nullopt, narrow);
    llvm::append_range(p.scales, u.getScales());
    llvm::append_range(p.zeroPoints, u.getZeroPoints());
    return p;
  }
  why = "unsupported quantized type";
  return failure();
}

/// Materializes the scale and zero-point constants of `p`.
std::pair<Value, Value> buildParamConstants(OpBuilder &b, Location loc,
                                            const UniformParams &p) {
  SmallVector<int64_t> shape;
  if (!p.scheme.isPerTensor())
    shape.push_back(p.scales.size());
  auto scaleType = RankedTensorType::get(shape, b.getF32Type());
  SmallVector<float> scales(p.scales.begin(), p.scales.end());
  Value scale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
  if (llvm::all_of(p.zeroPoints, [](int64_t z) { return z == 0; }))
    return {scale, Value()};
  Type storage = p.scheme.getStorageElementType();
  unsigned width = storage.getIntOrFloatBitWidth();
  SmallVector<APInt> zps;
  for (int64_t z : p.zeroPoints)
    zps.push_back(APInt(width, z, /*isSigned=*/true, /*implicitTrunc=*/true));
  Value zp = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(shape, storage), zps));
  return {scale, zp};
}

RankedTensorType storageTensorOf(RankedTensorType quantized, SchemeAttr s) {
  return quantized.clone(s.getStorageElementType());
}

struct QCastToQuantX : OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::QuantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getResult().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "only ranked tensor casts");
    std::string why;
    FailureOr<UniformParams> p = fromQuantType(resultType.getElementType(), why);
    if (failed(p))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    auto [scale, zp] = buildParamConstants(rewriter, loc, *p);
    Value q = QuantizeOp::create(rewriter, loc,
                                 storageTensorOf(resultType, p->scheme),
                                 op.getInput(), scale, zp, p->scheme);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, q);
    return success();
  }
};

struct DCastToQuantX : OpRewritePattern<quant::DequantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::DequantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!inputType)
      return rewriter.notifyMatchFailure(op, "only ranked tensor casts");
    std::string why;
    FailureOr<UniformParams> p = fromQuantType(inputType.getElementType(), why);
    if (failed(p))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    auto [scale, zp] = buildParamConstants(rewriter, loc, *p);
    Value storage = quant::StorageCastOp::create(
        rewriter, loc, storageTensorOf(inputType, p->scheme), op.getInput());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getResult().getType(),
                                              storage, scale, zp, p->scheme);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// quantx -> quant
//===----------------------------------------------------------------------===//

/// The `!quant.uniform` type equivalent to `scheme` with the given constant
/// parameters, or the reason there is none.
FailureOr<quant::QuantizedType> toQuantType(SchemeAttr scheme, Value scale,
                                            Value zeroPoint, Type expressed,
                                            std::string &why) {
  if (!scheme.isInteger()) {
    why = "NF4 and FP8 storage have no !quant.uniform equivalent";
    return failure();
  }
  if (scheme.isGrouped()) {
    why = "group-wise schemes are not converted to !quant.uniform";
    return failure();
  }
  DenseFPElementsAttr scales;
  if (!matchPattern(scale, m_Constant(&scales))) {
    why = "scales are not constant";
    return failure();
  }
  DenseIntElementsAttr zps;
  if (zeroPoint && !matchPattern(zeroPoint, m_Constant(&zps))) {
    why = "zero points are not constant";
    return failure();
  }
  SmallVector<double> scaleValues;
  for (APFloat s : scales.getValues<APFloat>())
    scaleValues.push_back(s.convertToDouble());
  if (scaleValues.empty()) {
    why = "there are no scales (empty channel dimension)";
    return failure();
  }
  SmallVector<int64_t> zpValues(scaleValues.size(), 0);
  if (zps) {
    if (zps.getNumElements() != int64_t(scaleValues.size())) {
      why = "scale and zero-point counts differ";
      return failure();
    }
    for (auto [i, z] : llvm::enumerate(zps.getValues<APInt>()))
      zpValues[i] = scheme.isUnsigned() ? int64_t(z.getZExtValue())
                                        : z.getSExtValue();
  }
  MLIRContext *ctx = scheme.getContext();
  unsigned flags = scheme.isUnsigned() ? 0 : quant::QuantizationFlags::Signed;
  Type storage = IntegerType::get(ctx, scheme.getStorageBits());
  // The quant types have rules of their own (e.g. scales within the
  // expressed type's range): construct them checked, keeping the message.
  std::string message;
  ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  auto emitError = [&] { return mlir::emitError(UnknownLoc::get(ctx)); };
  quant::QuantizedType type;
  if (scheme.isPerTensor())
    type = quant::UniformQuantizedType::getChecked(
        emitError, flags, storage, expressed, scaleValues[0], zpValues[0],
        scheme.getQuantMin(), scheme.getQuantMax());
  else
    type = quant::UniformQuantizedPerAxisType::getChecked(
        emitError, flags, storage, expressed, scaleValues, zpValues,
        *scheme.getAxis(), scheme.getQuantMin(), scheme.getQuantMax());
  if (!type) {
    why = "!quant.uniform rejects it: " + message;
    return failure();
  }
  return type;
}

struct QuantizeToQCast : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::string why;
    RankedTensorType inputType = op.getInput().getType();
    FailureOr<quant::QuantizedType> q =
        toQuantType(op.getScheme(), op.getScale(), op.getZeroPoint(),
                    inputType.getElementType(), why);
    if (failed(q))
      return rewriter.notifyMatchFailure(op, why);
    Value cast = quant::QuantizeCastOp::create(
        rewriter, op.getLoc(), inputType.clone(*q), op.getInput());
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(), cast);
    return success();
  }
};

struct DequantizeToDCast : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::string why;
    RankedTensorType resultType = op.getType();
    FailureOr<quant::QuantizedType> q =
        toQuantType(op.getScheme(), op.getScale(), op.getZeroPoint(),
                    resultType.getElementType(), why);
    if (failed(q))
      return rewriter.notifyMatchFailure(op, why);
    Value cast = quant::StorageCastOp::create(
        rewriter, op.getLoc(), resultType.clone(*q), op.getInput());
    rewriter.replaceOpWithNewOp<quant::DequantizeCastOp>(op, resultType, cast);
    return success();
  }
};

/// Applies `patterns`, then explains every `OpTy`/`OpTy2` op left behind
/// with a remark built by `reason`.
template <typename... OpTys>
LogicalResult convertAndExplain(Operation *root, RewritePatternSet &&patterns,
                                function_ref<std::string(Operation *)> reason,
                                uint64_t &converted, uint64_t &skipped,
                                bool errorIfLeft = false) {
  uint64_t before = 0;
  root->walk([&](Operation *op) { before += isa<OpTys...>(op); });
  // Upstream folds dcast(qcast(x)) to x, dropping the quantization error;
  // only our rewrites may change these ops here.
  GreedyRewriteConfig config;
  config.enableFolding(false);
  if (failed(applyPatternsGreedily(root, std::move(patterns), config)))
    return failure();
  uint64_t after = 0;
  root->walk([&](Operation *op) {
    if (!isa<OpTys...>(op))
      return;
    std::string why = reason(op);
    if (why.empty())
      return;
    ++after;
    if (errorIfLeft)
      op->emitError() << "cannot be imported into quantx: " << why;
    else
      op->emitRemark() << "left unchanged: " << why;
  });
  skipped += after;
  converted += before >= after ? before - after : 0;
  return success(!errorIfLeft || after == 0);
}

std::string quantCastReason(Operation *op) {
  Type t = isa<quant::QuantizeCastOp>(op) ? op->getResult(0).getType()
                                          : op->getOperand(0).getType();
  auto tensor = dyn_cast<RankedTensorType>(t);
  if (!tensor)
    return "only ranked tensor casts are converted";
  std::string why;
  (void)fromQuantType(tensor.getElementType(), why);
  return why;
}

struct QuantXFromQuantPass
    : quantx::impl::QuantXFromQuantBase<QuantXFromQuantPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateQuantToQuantXPatterns(patterns);
    uint64_t converted = 0, skipped = 0;
    LogicalResult result = convertAndExplain<quant::QuantizeCastOp, quant::DequantizeCastOp>(
        getOperation(), std::move(patterns), quantCastReason, converted, skipped,
        /*errorIfLeft=*/requireAll);
    numConverted += converted;
    numSkipped += skipped;
    if (failed(result))
      return signalPassFailure();
    foldStorageCastPairs();
  }

  /// scast(scast(x)) back to x's type is x: the bridges between converted
  /// pairs disappear, so what remains of the quant dialect is only what
  /// could not be converted.
  void foldStorageCastPairs() {
    SmallVector<quant::StorageCastOp> casts;
    getOperation()->walk([&](quant::StorageCastOp op) { casts.push_back(op); });
    for (quant::StorageCastOp op : casts) {
      auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
      if (inner && inner.getInput().getType() == op.getType())
        op.getResult().replaceAllUsesWith(inner.getInput());
    }
    for (quant::StorageCastOp op : llvm::reverse(casts))
      if (op->use_empty())
        op->erase();
  }
};

std::string quantxReason(Operation *op) {
  std::string why;
  if (auto q = dyn_cast<QuantizeOp>(op))
    (void)toQuantType(q.getScheme(), q.getScale(), q.getZeroPoint(),
                      q.getInput().getType().getElementType(), why);
  else if (auto d = dyn_cast<DequantizeOp>(op))
    (void)toQuantType(d.getScheme(), d.getScale(), d.getZeroPoint(),
                      d.getType().getElementType(), why);
  return why;
}

struct QuantXToQuantPass : quantx::impl::QuantXToQuantBase<QuantXToQuantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateQuantXToQuantPatterns(patterns);
    uint64_t converted = 0, skipped = 0;
    if (failed(convertAndExplain<QuantizeOp, DequantizeOp>(
            getOperation(), std::move(patterns), quantxReason, converted,
            skipped)))
      return signalPassFailure();
    numConverted += converted;
    numSkipped += skipped;
  }
};

} // namespace

void mlir::quantx::populateQuantToQuantXPatterns(RewritePatternSet &patterns) {
  patterns.add<QCastToQuantX, DCastToQuantX>(patterns.getContext());
}

void mlir::quantx::populateQuantXToQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeToQCast, DequantizeToDCast>(patterns.getContext());
}
