//===- FormQuantizedMatmul.cpp - fake-quant matmul -> quantx.matmul -------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXFORMQUANTIZEDMATMUL
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// Constant scale and zero-point values of a fake_quant, read as f32/i32.
struct ConstParams {
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints; // empty when symmetric
  SmallVector<int64_t> shape;      // shape of the scale tensor
};

FailureOr<ConstParams> readConstParams(FakeQuantOp fq) {
  ConstParams p;
  // Constant scales, or double-quantized ones (a dequantize of constants).
  std::optional<std::vector<double>> scales = getConstantScaleValues(fq.getScale());
  if (!scales)
    return failure();
  for (double s : *scales)
    p.scales.push_back(float(s));
  auto scaleShape = cast<RankedTensorType>(fq.getScale().getType()).getShape();
  p.shape.assign(scaleShape.begin(), scaleShape.end());
  if (Value zp = fq.getZeroPoint()) {
    DenseIntElementsAttr zps;
    if (!matchPattern(zp, m_Constant(&zps)))
      return failure();
    for (APInt z : zps.getValues<APInt>())
      p.zeroPoints.push_back(fq.getScheme().isUnsigned() ? int32_t(z.getZExtValue())
                                                         : int32_t(z.getSExtValue()));
  }
  return p;
}

/// Flat index of the scale of weight element (i, j) for `scheme`.
int64_t paramIndex(SchemeAttr scheme, ArrayRef<int64_t> paramShape, int64_t i,
                   int64_t j) {
  if (scheme.isPerTensor())
    return 0;
  int64_t axis = *scheme.getAxis();
  if (scheme.isPerChannel())
    return axis == 0 ? i : j;
  int64_t g = *scheme.getGroupSize();
  int64_t pi = axis == 0 ? i / g : i, pj = axis == 1 ? j / g : j;
  return pi * paramShape[1] + pj;
}

/// The weight operands of quantx.matmul, in N x K order.
struct WeightOperands {
  Value packed, scale, zeroPoint;
  SchemeAttr scheme;
};

/// `scheme` with its axis flipped, for a weight transposed from K x N.
SchemeAttr transposedScheme(SchemeAttr s) {
  if (s.isPerTensor())
    return s;
  return SchemeAttr::get(s.getContext(), s.getStorage(), 1 - *s.getAxis(),
                         s.getGroupSize(), s.getNarrowRange());
}

/// A 2-D tensor transposed with linalg.transpose (folded for constants by
/// later canonicalization); other ranks are returned as they are.
Value transpose2D(OpBuilder &b, Location loc, Value v) {
  auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  if (!t || t.getRank() != 2)
    return v;
  SmallVector<Value> dynamic;
  for (int64_t d : {1, 0})
    if (t.isDynamicDim(d))
      dynamic.push_back(tensor::DimOp::create(b, loc, v, d));
  auto type = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)},
                                    t.getElementType());
  Value init = tensor::EmptyOp::create(b, loc, type, dynamic);
  return linalg::TransposeOp::create(b, loc, v, init, ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

/// Quantizes a fake-quantized constant weight at compile time.
FailureOr<WeightOperands> quantizeConstantWeight(PatternRewriter &rewriter,
                                                 Location loc, FakeQuantOp weightFq,
                                                 ArrayRef<double> weights,
                                                 bool transposed) {
  SchemeAttr wScheme = weightFq.getScheme();
  FailureOr<ConstParams> wParams = readConstParams(weightFq);
  if (failed(wParams))
    return failure();
  auto wType = cast<RankedTensorType>(weightFq.getInput().getType());
  if (!wType.hasStaticShape())
    return failure();
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  int64_t N = transposed ? cols : rows, K = transposed ? rows : cols;
  if (wScheme.isSubByte() && K % 2 != 0)
    return failure();
  // Float weights of any width are exact in f32 (the numerics' type).
  std::vector<float> values(weights.begin(), weights.end());
  std::vector<uint8_t> codes(N * K);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      int64_t p = paramIndex(wScheme, wParams->shape, i, j);
      int32_t zp = wParams->zeroPoints.empty() ? 0 : wParams->zeroPoints[p];
      uint8_t c = hostQuantize(wScheme, values[i * cols + j], wParams->scales[p], zp);
      int64_t nIdx = transposed ? j : i, kIdx = transposed ? i : j;
      codes[nIdx * K + kIdx] = c;
    }
  // K is even for 4-bit weights, so rows pack independently.
  std::vector<uint8_t> bytes = wScheme.isSubByte() ? packNibbles(codes) : codes;
  SmallVector<int64_t> storedShape{N, wScheme.isSubByte() ? K / 2 : K};
  Type storedElt = wScheme.isSubByte() ? Type(rewriter.getI8Type())
                                       : wScheme.getStorageElementType();
  auto storedType = RankedTensorType::get(storedShape, storedElt);
  WeightOperands w;
  w.packed = arith::ConstantOp::create(
      rewriter, loc, DenseElementsAttr::getFromRawBuffer(
                         storedType, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                                                    bytes.size())));
  w.scheme = transposed ? transposedScheme(wScheme) : wScheme;
  w.scale = transposed ? transpose2D(rewriter, loc, weightFq.getScale())
                       : weightFq.getScale();
  w.zeroPoint = transposed ? transpose2D(rewriter, loc, weightFq.getZeroPoint())
                           : weightFq.getZeroPoint();
  return w;
}

/// Uses the codes of an explicit quantx.dequantize (imported or raised from
/// a frontend's dequantization), packing 4-bit codes.
FailureOr<WeightOperands> dequantizedWeight(PatternRewriter &rewriter,
                                            Location loc, DequantizeOp dq,
                                            bool transposed) {
  auto qType = cast<RankedTensorType>(dq.getInput().getType());
  if (qType.getRank() != 2)
    return failure();
  SchemeAttr s = dq.getScheme();
  Value codes = transposed ? transpose2D(rewriter, loc, dq.getInput()) : dq.getInput();
  WeightOperands w;
  if (s.isSubByte()) {
    auto t = cast<RankedTensorType>(codes.getType());
    int64_t k = t.getDimSize(1);
    if (!ShapedType::isDynamic(k) && k % 2 != 0)
      return failure();
    auto packedType = RankedTensorType::get(
        {t.getDimSize(0), ShapedType::isDynamic(k) ? k : k / 2},
        rewriter.getI8Type());
    w.packed = PackOp::create(rewriter, loc, packedType, codes);
  } else {
    w.packed = codes;
  }
  w.scheme = transposed ? transposedScheme(s) : s;
  w.scale = transposed ? transpose2D(rewriter, loc, dq.getScale()) : dq.getScale();
  w.zeroPoint = transposed ? transpose2D(rewriter, loc, dq.getZeroPoint())
                           : dq.getZeroPoint();
  return w;
}

struct FormQuantizedMatmul : OpInterfaceRewritePattern<linalg::LinalgOp> {
  FormQuantizedMatmul(MLIRContext *ctx, Accumulation accumulation)
      : OpInterfaceRewritePattern(ctx), accumulation(accumulation) {}
  Accumulation accumulation;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<PlainMatmul> plain = matchPlainMatmul(op);
    if (failed(plain))
      return rewriter.notifyMatchFailure(op, "not a plain 2-D matmul with a "
                                             "zero-filled accumulator");
    OpOperand *lhs = plain->lhs, *rhs = plain->rhs;
    bool transposed = plain->transposed;

    auto weightFq = rhs->get().getDefiningOp<FakeQuantOp>();
    auto weightDq = rhs->get().getDefiningOp<DequantizeOp>();
    std::optional<std::vector<double>> weights =
        weightFq ? getConstantFloatValues(weightFq.getInput()) : std::nullopt;
    if (!weights && !weightDq)
      return rewriter.notifyMatchFailure(
          op, "weight is neither a fake-quantized constant nor dequantized");
    SchemeAttr wScheme = weightFq ? weightFq.getScheme() : weightDq.getScheme();

    // Activation: fake-quantized (integer or FP8, scales that factor out of
    // the sum) or float.
    auto actFq = lhs->get().getDefiningOp<FakeQuantOp>();
    SchemeAttr aScheme = actFq ? actFq.getScheme() : SchemeAttr();
    if (aScheme) {
      // Integer pairs may also have scales per group along K (a
      // group-scaled integer matmul; both groups, if any, of one size).
      bool intPair = aScheme.isInteger() && wScheme.isInteger();
      bool pair = intPair || (aScheme.isFloat8() && wScheme.isFloat8());
      bool aGrouped = aScheme.isGrouped() && *aScheme.getAxis() == 1;
      bool wGrouped = wScheme.isGrouped() && *wScheme.getAxis() == (transposed ? 0 : 1);
      bool factorable = aScheme.isPerTensor() ||
                        (aScheme.isPerChannel() && *aScheme.getAxis() == 0) ||
                        (intPair && aGrouped);
      bool weightFactorable =
          wScheme.isPerTensor() ||
          (wScheme.isPerChannel() && *wScheme.getAxis() == (transposed ? 1 : 0)) ||
          (intPair && wGrouped && (!aGrouped || aScheme.getGroupSize() == wScheme.getGroupSize()));
      if (!factorable || !pair || aScheme.isSubByte() || !weightFactorable)
        return rewriter.notifyMatchFailure(op, "unsupported activation scheme");
    }
    Location loc = op.getLoc();
    FailureOr<WeightOperands> w =
        weightFq ? quantizeConstantWeight(rewriter, loc, weightFq, *weights, transposed)
                 : dequantizedWeight(rewriter, loc, weightDq, transposed);
    if (failed(w))
      return rewriter.notifyMatchFailure(op, "weight cannot be packed");


    Value a = lhs->get();
    Value aScale, aZp;
    if (actFq) {
      auto actType = cast<RankedTensorType>(actFq.getInput().getType());
      a = QuantizeOp::create(rewriter, loc,
                             actType.clone(aScheme.getStorageElementType()),
                             actFq.getInput(), actFq.getScale(),
                             actFq.getZeroPoint(), aScheme);
      aScale = actFq.getScale();
      aZp = actFq.getZeroPoint();
    }
    Type resultType = op->getResult(0).getType();
    // accumulation=source: a weight-only matmul keeps the contraction's
    // narrow accumulator (the body adds in the result's element type).
    TypeAttr accumulatorType;
    Type resultElt = getElementTypeOrSelf(resultType);
    if (accumulation == Accumulation::Source && !actFq &&
        (resultElt.isF16() || resultElt.isBF16()) &&
        getElementTypeOrSelf(a.getType()) == resultElt)
      accumulatorType = TypeAttr::get(resultElt);
    auto mm = MatmulOp::create(rewriter, loc, resultType, a, w->packed, w->scale,
                               w->zeroPoint, aScale, aZp, Value(), Value(), Value(),
                               w->scheme, aScheme, SchemeAttr(), accumulatorType);
    rewriter.replaceOp(op, mm.getResult());
    return success();
  }
};

/// Sum of an i8 matrix over its other dimension, in i32: row sums
/// (`keep` = 0) or column sums (`keep` = 1).
Value sumI8(OpBuilder &b, Location loc, Value v, unsigned keep) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  Type i32 = b.getI32Type();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{sizes[keep]}, i32);
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value filled = linalg::FillOp::create(b, loc, zero, init).getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineMap in = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap out = AffineMap::get(2, 0, getAffineDimExpr(keep, ctx));
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::reduction);
  iterators[keep] = utils::IteratorType::parallel;
  return linalg::GenericOp::create(
             b, loc, filled.getType(), v, filled, ArrayRef<AffineMap>{in, out}, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value wide = arith::ExtSIOp::create(nb, nl, i32, args[0]);
               Value sum = arith::AddIOp::create(nb, nl, args[1], wide);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// Operands of linalg.quantized_matmul / quantized_batch_matmul on tensors:
/// i8 x i8 -> i32 of the given rank, i32 zero points.
struct QuantizedMatmulOperands {
  Value a, b, za, zb, acc;
  /// The accumulator is a zero fill (whose fill op is `fill`).
  linalg::FillOp fill;
  bool zeroAcc = false;
};

FailureOr<QuantizedMatmulOperands> matchQuantizedMatmulOperands(linalg::LinalgOp op,
                                                                int64_t rank) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 4 || op.getNumDpsInits() != 1)
    return failure();
  QuantizedMatmulOperands q;
  q.a = op.getDpsInputOperand(0)->get();
  q.b = op.getDpsInputOperand(1)->get();
  q.za = op.getDpsInputOperand(2)->get();
  q.zb = op.getDpsInputOperand(3)->get();
  q.acc = op.getDpsInitOperand(0)->get();
  auto isTensor = [&](Value v, unsigned width) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.getRank() == rank && t.getElementType().isInteger(width);
  };
  if (!isTensor(q.a, 8) || !isTensor(q.b, 8) || !isTensor(q.acc, 32) ||
      !q.za.getType().isInteger(32) || !q.zb.getType().isInteger(32))
    return failure();
  q.fill = q.acc.getDefiningOp<linalg::FillOp>();
  q.zeroAcc = q.fill && matchPattern(q.fill.getInputs()[0], m_Zero());
  return q;
}

/// linalg.quantized_matmul (i8 x i8 -> i32, scalar i32 zero points, K x N
/// weight) -> the raw-accumulator quantx.matmul, with the weight transposed
/// to N x K (at compile time for a constant). Constant zero points in the i8
/// range go into the matmul; other zero points (run-time values, or outside
/// i8) are applied exactly around a matmul without them:
///   sum_k (a - za)(b - zb) = sum_k a b - zb rowsum(a) - za colsum(b) + K za zb
/// (an identity of i32 arithmetic, wrapping included). An accumulator that is
/// not zero-filled is added to the result.
struct RaiseQuantizedMatmul : OpRewritePattern<linalg::QuantizedMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::QuantizedMatmulOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<QuantizedMatmulOperands> q = matchQuantizedMatmulOperands(op, 2);
    if (failed(q))
      return rewriter.notifyMatchFailure(op, "expects i8 x i8 -> i32 tensors, i32 zero points");
    Value a = q->a, b = q->b, za = q->za, zb = q->zb, acc = q->acc;
    bool zeroAcc = q->zeroAcc;
    auto bType = cast<RankedTensorType>(b.getType());
    auto resType = cast<RankedTensorType>(op->getResult(0).getType());
    // Zero points the kernel takes: constants in the i8 range.
    Location loc = op.getLoc();
    auto inI8 = [](Value z) -> std::optional<int64_t> {
      APInt v;
      if (!matchPattern(z, m_ConstantInt(&v)) || v.getSExtValue() < -128 ||
          v.getSExtValue() > 127)
        return std::nullopt;
      return v.getSExtValue();
    };
    std::optional<int64_t> zaConst = inI8(za), zbConst = inI8(zb);
    bool zpInKernel = zaConst && zbConst;
    auto zpTensor = [&](std::optional<int64_t> z) -> Value {
      if (!zpInKernel || *z == 0)
        return Value();
      auto type = RankedTensorType::get({}, rewriter.getI8Type());
      return arith::ConstantOp::create(
          rewriter, loc, DenseIntElementsAttr::get(type, ArrayRef<int8_t>(int8_t(*z))));
    };
    // The weight as N x K.
    Value w;
    DenseIntElementsAttr bConst;
    if (matchPattern(b, m_Constant(&bConst)) && bType.hasStaticShape()) {
      int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
      std::vector<int8_t> t(k * n);
      auto vals = bConst.getValues<APInt>();
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j)
          t[j * k + i] = int8_t(vals[i * n + j].getSExtValue());
      auto wType = RankedTensorType::get({n, k}, rewriter.getI8Type());
      w = arith::ConstantOp::create(rewriter, loc,
                                    DenseIntElementsAttr::get(wType, ArrayRef(t)));
    } else {
      w = transpose2D(rewriter, loc, b);
    }
    auto i8 = SchemeAttr::get(getContext(), StorageKind::i8, std::nullopt,
                              std::nullopt, false);
    Value result = MatmulOp::create(rewriter, loc, resType, a, w, Value(), zpTensor(zbConst),
                                    Value(), zpTensor(zaConst), Value(), Value(), Value(),
                                    i8, i8, SchemeAttr(), TypeAttr());
    if (zpInKernel && zeroAcc) {
      rewriter.replaceOp(op, result);
      return success();
    }
    // One elementwise epilogue: zero-point terms and/or the accumulator.
    MLIRContext *ctx = getContext();
    Type i32 = rewriter.getI32Type();
    SmallVector<Value> inputs{result};
    AffineMap mn = AffineMap::getMultiDimIdentityMap(2, ctx);
    SmallVector<AffineMap> maps{mn};
    // Terms of a zero point known to be 0 are left out.
    bool rowTerm = !zpInKernel && !matchPattern(zb, m_Zero());
    bool colTerm = !zpInKernel && !matchPattern(za, m_Zero());
    Value kzz;
    if (rowTerm) {
      inputs.push_back(sumI8(rewriter, loc, a, 0));
      maps.push_back(AffineMap::get(2, 0, getAffineDimExpr(0, ctx)));
    }
    if (colTerm) {
      inputs.push_back(sumI8(rewriter, loc, b, 1));
      maps.push_back(AffineMap::get(2, 0, getAffineDimExpr(1, ctx)));
    }
    if (rowTerm && colTerm) {
      Value k = arith::IndexCastOp::create(rewriter, loc, i32,
                                           tensor::DimOp::create(rewriter, loc, a, 1));
      kzz = arith::MulIOp::create(rewriter, loc,
                                  arith::MulIOp::create(rewriter, loc, k, za), zb);
    }
    if (!zeroAcc) {
      inputs.push_back(acc);
      maps.push_back(mn);
    }
    maps.push_back(mn);
    Value init = tensor::EmptyOp::create(rewriter, loc, tensor::getMixedSizes(rewriter, loc, result), i32);
    SmallVector<utils::IteratorType> parallel(2, utils::IteratorType::parallel);
    auto epilogue = linalg::GenericOp::create(
        rewriter, loc, resType, inputs, init, maps, parallel,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value y = args[0];
          unsigned next = 1;
          if (rowTerm)
            y = arith::SubIOp::create(nb, nl, y, arith::MulIOp::create(nb, nl, zb, args[next++]));
          if (colTerm)
            y = arith::SubIOp::create(nb, nl, y, arith::MulIOp::create(nb, nl, za, args[next++]));
          if (kzz)
            y = arith::AddIOp::create(nb, nl, y, kzz);
          if (!zeroAcc)
            y = arith::AddIOp::create(nb, nl, y, args[next]);
          linalg::YieldOp::create(nb, nl, y);
        });
    rewriter.replaceOp(op, epilogue.getResult(0));
    return success();
  }
};

/// linalg.quantized_batch_matmul -> scf.for over the batch of
/// linalg.quantized_matmul on the slices (raised by RaiseQuantizedMatmul to
/// the integer kernel). A zero-filled accumulator stays a zero fill per
/// slice, so each slice's matmul needs no addition.
struct UnrollQuantizedBatchMatmul : OpRewritePattern<linalg::QuantizedBatchMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::QuantizedBatchMatmulOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<QuantizedMatmulOperands> q = matchQuantizedMatmulOperands(op, 3);
    if (failed(q))
      return rewriter.notifyMatchFailure(op, "expects i8 x i8 -> i32 batches, i32 zero points");
    Value a = q->a, b = q->b, za = q->za, zb = q->zb, acc = q->acc;
    bool zeroAcc = q->zeroAcc;
    linalg::FillOp fill = q->fill;
    Location loc = op.getLoc();
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value batch = tensor::DimOp::create(rewriter, loc, acc, 0);
    // One batch of a rank-3 tensor as a rank-2 slice.
    auto sliceOf = [](OpBuilder &b, Location l, Value v, Value index) -> Value {
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, l, v);
      auto t = cast<RankedTensorType>(v.getType());
      auto type = RankedTensorType::get(t.getShape().drop_front(), t.getElementType());
      SmallVector<OpFoldResult> offsets{index, b.getIndexAttr(0), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      sizes[0] = b.getIndexAttr(1);
      return tensor::ExtractSliceOp::create(b, l, type, v, offsets, sizes, strides);
    };
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, batch, c1, ValueRange{acc},
        [&](OpBuilder &nb, Location l, Value i, ValueRange iterArgs) {
          Value init = sliceOf(nb, l, iterArgs[0], i);
          if (zeroAcc) {
            Value empty = tensor::EmptyOp::create(nb, l, tensor::getMixedSizes(nb, l, init),
                                                  nb.getI32Type());
            init = linalg::FillOp::create(nb, l, fill.getInputs()[0], empty).getResult(0);
          }
          Value mm = linalg::QuantizedMatmulOp::create(
                         nb, l, TypeRange{init.getType()},
                         ValueRange{sliceOf(nb, l, a, i), sliceOf(nb, l, b, i), za, zb},
                         ValueRange{init})
                         .getResult(0);
          SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(nb, l, iterArgs[0]);
          sizes[0] = nb.getIndexAttr(1);
          SmallVector<OpFoldResult> offsets{i, nb.getIndexAttr(0), nb.getIndexAttr(0)};
          SmallVector<OpFoldResult> strides(3, nb.getIndexAttr(1));
          Value updated = tensor::InsertSliceOp::create(nb, l, mm, iterArgs[0], offsets, sizes,
                                                        strides);
          scf::YieldOp::create(nb, l, updated);
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

struct FormQuantizedMatmulPass
    : quantx::impl::QuantXFormQuantizedMatmulBase<FormQuantizedMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    auto count = [&] {
      struct {
        int64_t matmuls = 0, biased = 0, requantizing = 0;
      } c;
      getOperation()->walk([&](MatmulOp mm) {
        ++c.matmuls;
        c.biased += mm.getBias() != nullptr;
        c.requantizing += mm.getOutSchemeAttr() != nullptr;
      });
      return c;
    };
    auto before = count();
    RewritePatternSet patterns(&getContext());
    populateFormQuantizedMatmulPatterns(patterns, accumulation);
    populateFoldQuantizedMatmulEpiloguePatterns(patterns, foldRequantize);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    auto after = count();
    numFormed += after.matmuls - before.matmuls;
    numBiasFused += after.biased - before.biased;
    numRequantizeFolded += after.requantizing - before.requantizing;
  }
};

} // namespace

void mlir::quantx::populateFormQuantizedMatmulPatterns(RewritePatternSet &patterns,
                                                       Accumulation accumulation) {
  patterns.add<FormQuantizedMatmul>(patterns.getContext(), accumulation);
  patterns.add<RaiseQuantizedMatmul, UnrollQuantizedBatchMatmul>(patterns.getContext());
}
