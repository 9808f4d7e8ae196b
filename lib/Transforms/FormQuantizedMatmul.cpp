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
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

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
      bool factorable = aScheme.isPerTensor() ||
                        (aScheme.isPerChannel() && *aScheme.getAxis() == 0);
      bool pair = (aScheme.isInteger() && wScheme.isInteger()) ||
                  (aScheme.isFloat8() && wScheme.isFloat8());
      bool weightFactorable =
          wScheme.isPerTensor() ||
          (wScheme.isPerChannel() && *wScheme.getAxis() == (transposed ? 1 : 0));
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
    auto mm = MatmulOp::create(rewriter, loc, resultType, a, w->packed, w->scale,
                               w->zeroPoint, aScale, aZp, Value(), Value(), Value(),
                               w->scheme, aScheme, SchemeAttr());
    rewriter.replaceOp(op, mm.getResult());
    return success();
  }
};

/// linalg.quantized_matmul (i8 x i8 -> i32, scalar zero points, K x N
/// weight, zero-filled accumulator) -> the raw-accumulator quantx.matmul,
/// with the weight transposed to N x K (at compile time for a constant).
/// Zero points must be constants in the i8 range.
struct RaiseQuantizedMatmul : OpRewritePattern<linalg::QuantizedMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::QuantizedMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 4)
      return rewriter.notifyMatchFailure(op, "expects tensors");
    Value a = op.getDpsInputOperand(0)->get(), b = op.getDpsInputOperand(1)->get();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto resType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!aType || !bType || !resType || !aType.getElementType().isInteger(8) ||
        !bType.getElementType().isInteger(8) ||
        !resType.getElementType().isInteger(32))
      return rewriter.notifyMatchFailure(op, "expects i8 x i8 -> i32");
    auto fill = op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
    if (!fill || !matchPattern(fill.getInputs()[0], m_Zero()))
      return rewriter.notifyMatchFailure(op, "accumulator is not zero-filled");
    // Zero points: scalars, constant, representable in i8.
    Location loc = op.getLoc();
    SmallVector<int64_t, 2> zps;
    for (unsigned i : {2u, 3u}) {
      APInt z;
      if (!matchPattern(op.getDpsInputOperand(i)->get(), m_ConstantInt(&z)) ||
          z.getSExtValue() < -128 || z.getSExtValue() > 127)
        return rewriter.notifyMatchFailure(op, "zero point is not an i8 constant");
      zps.push_back(z.getSExtValue());
    }
    auto zpTensor = [&](int64_t z) -> Value {
      if (z == 0)
        return Value();
      auto type = RankedTensorType::get({}, rewriter.getI8Type());
      return arith::ConstantOp::create(
          rewriter, loc, DenseIntElementsAttr::get(type, ArrayRef<int8_t>(int8_t(z))));
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
    auto mm = MatmulOp::create(rewriter, loc, resType, a, w, Value(),
                               zpTensor(zps[1]), Value(), zpTensor(zps[0]),
                               Value(), Value(), Value(), i8, i8, SchemeAttr());
    rewriter.replaceOp(op, mm.getResult());
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
    populateFormQuantizedMatmulPatterns(patterns);
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

void mlir::quantx::populateFormQuantizedMatmulPatterns(RewritePatternSet &patterns) {
  patterns.add<FormQuantizedMatmul, RaiseQuantizedMatmul>(patterns.getContext());
}
