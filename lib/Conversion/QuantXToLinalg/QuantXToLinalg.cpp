//===- QuantXToLinalg.cpp - reference lowering of quantx ops --------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every quantx op becomes linalg.generic ops on tensors whose bodies are the
// scalar numerics of record from QuantXNumerics.h.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Conversion/Passes.h"
#include "QuantOpt/Dialect/QuantX/Numerics/QuantXNumerics.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXLOWERTOLINALG
#include "QuantOpt/Conversion/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// Indexing map of a scale or zero-point operand of `scheme`, for a
/// quantized tensor whose dimensions are `dims` in terms of the loops.
AffineMap getParamMap(MLIRContext *ctx, SchemeAttr scheme, unsigned numLoops,
                      ArrayRef<AffineExpr> dims) {
  if (scheme.isPerTensor())
    return AffineMap::get(numLoops, 0, {}, ctx);
  int64_t axis = *scheme.getAxis();
  if (scheme.isPerChannel())
    return AffineMap::get(numLoops, 0, {dims[axis]}, ctx);
  SmallVector<AffineExpr> exprs(dims);
  exprs[axis] = exprs[axis].floorDiv(*scheme.getGroupSize());
  return AffineMap::get(numLoops, 0, exprs, ctx);
}

/// A tensor.empty of exactly `type`, taking its dynamic sizes from `sizes`
/// (sizes may have folded to constants; the type still decides which
/// dimensions are dynamic, so the result matches the op being replaced).
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (auto [dim, size] : llvm::zip(type.getShape(), sizes))
    if (ShapedType::isDynamic(dim))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

/// A tensor.empty of `type` with the sizes of `shapeSource`.
Value createEmptyLike(OpBuilder &b, Location loc, Value shapeSource,
                      RankedTensorType type) {
  return createEmpty(b, loc, type, tensor::getMixedSizes(b, loc, shapeSource));
}

/// `v` with its innermost dimension (size K) split into K / `perGroup`
/// groups of `perGroup` (..., K) -> (..., K / perGroup, perGroup).
Value expandInnermost(OpBuilder &b, Location loc, Value v, int64_t perGroup) {
  auto type = cast<RankedTensorType>(v.getType());
  unsigned rank = type.getRank();
  int64_t cols = type.getDimSize(rank - 1);
  int64_t groups = ShapedType::isDynamic(cols) ? ShapedType::kDynamic : cols / perGroup;
  SmallVector<int64_t> shape(type.getShape().drop_back());
  shape.append({groups, perGroup});
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  sizes.back() = b.getIndexAttr(groups);
  if (ShapedType::isDynamic(groups))
    sizes.back() = arith::DivUIOp::create(b, loc, tensor::DimOp::create(b, loc, v, rank - 1),
                                          arith::ConstantIndexOp::create(b, loc, perGroup))
                       .getResult();
  sizes.push_back(b.getIndexAttr(perGroup));
  SmallVector<ReassociationIndices> reassociation;
  for (unsigned i = 0; i + 1 < rank; ++i)
    reassociation.push_back({int64_t(i)});
  reassociation.push_back({int64_t(rank - 1), int64_t(rank)});
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(shape, type.getElementType()),
                                       v, reassociation, sizes);
}

/// Static shapes are checked by the verifiers; for a dynamic dimension
/// `dim` of `tensor` that must be a multiple of `factor`, emit a run-time
/// check so a bad shape aborts with a message instead of reading out of
/// bounds.
void emitMultipleCheck(OpBuilder &b, Location loc, Value tensor, int64_t dim,
                       int64_t factor, const Twine &what) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim) || factor == 1)
    return;
  Value size = tensor::DimOp::create(b, loc, tensor, dim);
  Value rem = arith::RemUIOp::create(
      b, loc, size, arith::ConstantIndexOp::create(b, loc, factor));
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rem,
                                   arith::ConstantIndexOp::create(b, loc, 0));
  cf::AssertOp::create(b, loc, ok, what.str());
}

/// Checks the grouped dimension of `scheme` on `tensor` at run time.
void emitGroupCheck(OpBuilder &b, Location loc, SchemeAttr scheme,
                    Value tensor) {
  if (scheme.isGrouped())
    emitMultipleCheck(b, loc, tensor, *scheme.getAxis(), *scheme.getGroupSize(),
                      "quantx: group size " + Twine(*scheme.getGroupSize()) +
                          " does not divide dimension " +
                          Twine(*scheme.getAxis()));
}

/// Scale and optional zero point operands, with their maps.
struct QuantParams {
  SchemeAttr scheme;
  Value scale, zeroPoint;
};

/// Appends the operands and maps of `params` to a generic's inputs.
void appendParams(MLIRContext *ctx, const QuantParams &params,
                  unsigned numLoops, ArrayRef<AffineExpr> dims,
                  SmallVectorImpl<Value> &inputs,
                  SmallVectorImpl<AffineMap> &maps) {
  AffineMap map = getParamMap(ctx, params.scheme, numLoops, dims);
  inputs.push_back(params.scale);
  maps.push_back(map);
  if (params.zeroPoint) {
    inputs.push_back(params.zeroPoint);
    maps.push_back(map);
  }
}

/// Reads scale (as f32) and zero point (as i32, or null) from block
/// arguments starting at `pos`; advances `pos`.
std::pair<Value, Value> readParams(OpBuilder &b, Location loc,
                                   const QuantParams &params, ValueRange args,
                                   unsigned &pos) {
  Value scale = extendToF32(b, loc, args[pos++]);
  Value zp;
  if (params.zeroPoint)
    zp = storedIntToI32(b, loc, params.scheme, args[pos++]);
  return {scale, zp};
}

/// Lowers quantize, dequantize and fake_quant: one elementwise generic.
template <typename OpTy>
struct LowerSchemeOp : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    unsigned rank = resultType.getRank();
    QuantParams params{op.getScheme(), op.getScale(), op.getZeroPoint()};
    emitGroupCheck(rewriter, loc, params.scheme, op.getInput());

    // Groups along the innermost dimension: loops over (..., K / G, G), so
    // the scale is indexed by a loop instead of k floordiv G and the
    // innermost loop stays affine (LLVM vectorizes it).
    SchemeAttr scheme = params.scheme;
    bool split = scheme.isGrouped() && *scheme.getAxis() == int64_t(rank) - 1;
    Value input = op.getInput();
    RankedTensorType genericType = resultType;
    if (split) {
      input = expandInnermost(rewriter, loc, input, *scheme.getGroupSize());
      genericType = cast<RankedTensorType>(input.getType()).clone(resultType.getElementType());
    }
    unsigned loops = genericType.getRank();
    SmallVector<AffineExpr> dims;
    for (unsigned i = 0; i < loops; ++i)
      dims.push_back(getAffineDimExpr(i, ctx));
    AffineMap identity = AffineMap::getMultiDimIdentityMap(loops, ctx);
    SmallVector<Value> inputs{input};
    SmallVector<AffineMap> maps{identity};
    if (split) {
      AffineMap perGroup = AffineMap::get(loops, 0, ArrayRef(dims).drop_back(), ctx);
      inputs.push_back(params.scale);
      maps.push_back(perGroup);
      if (params.zeroPoint) {
        inputs.push_back(params.zeroPoint);
        maps.push_back(perGroup);
      }
    } else {
      appendParams(ctx, params, loops, dims, inputs, maps);
    }
    maps.push_back(identity);

    Value init = createEmptyLike(rewriter, loc, input, genericType);
    SmallVector<utils::IteratorType> iterators(loops, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, genericType, inputs, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          unsigned pos = 1;
          auto [scale, zp] = readParams(b, nestedLoc, params, args, pos);
          linalg::YieldOp::create(b, 
              nestedLoc, buildBody(b, nestedLoc, params.scheme, args[0], scale,
                                   zp, resultType.getElementType()));
        });
    Value result = generic.getResult(0);
    if (split)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, resultType, result,
          cast<tensor::ExpandShapeOp>(input.getDefiningOp()).getReassociationIndices());
    rewriter.replaceOp(op, result);
    return success();
  }

  static Value quantize(OpBuilder &b, Location loc, SchemeAttr scheme, Value x,
                        Value scale, Value zp) {
    Value v = arith::DivFOp::create(b, loc, extendToF32(b, loc, x), scale);
    return emitEncode(b, loc, scheme, v, zp);
  }

  static Value dequantize(OpBuilder &b, Location loc, SchemeAttr scheme,
                          Value code, Value scale, Value zp, Type resultElt) {
    Value v = arith::MulFOp::create(b, loc, emitDecode(b, loc, scheme, code, zp),
                                    scale);
    return truncFromF32(b, loc, v, resultElt);
  }

  static Value buildBody(OpBuilder &b, Location loc, SchemeAttr scheme, Value x,
                         Value scale, Value zp, Type resultElt) {
    if constexpr (std::is_same_v<OpTy, QuantizeOp>)
      return quantize(b, loc, scheme, x, scale, zp);
    else if constexpr (std::is_same_v<OpTy, DequantizeOp>)
      return dequantize(b, loc, scheme, x, scale, zp, resultElt);
    else
      return dequantize(b, loc, scheme, quantize(b, loc, scheme, x, scale, zp),
                        scale, zp, resultElt);
  }
};

struct LowerObserve : OpRewritePattern<ObserveOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ObserveOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

/// Maps for the two nibbles of a byte along the innermost dimension.
SmallVector<AffineExpr> identityExprs(MLIRContext *ctx, unsigned rank) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < rank; ++i)
    exprs.push_back(getAffineDimExpr(i, ctx));
  return exprs;
}

struct LowerPack : OpRewritePattern<PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PackOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType resultType = op.getResult().getType();
    unsigned rank = resultType.getRank();
    SmallVector<AffineExpr> lo = identityExprs(ctx, rank), hi = lo;
    lo.back() = lo.back() * 2;
    hi.back() = hi.back() * 2 + 1;
    SmallVector<AffineMap> maps{
        AffineMap::get(rank, 0, lo, ctx), AffineMap::get(rank, 0, hi, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};

    emitMultipleCheck(rewriter, loc, op.getInput(), rank - 1, 2,
                      "quantx.pack: innermost dimension must be even");
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInput());
    AffineExpr s0 = getAffineSymbolExpr(0, ctx);
    sizes.back() = affine::makeComposedFoldedAffineApply(
        rewriter, loc, s0.floorDiv(2), {sizes.back()});
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{op.getInput(), op.getInput()},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i8 = b.getI8Type();
          Value low = arith::ExtUIOp::create(b, l, i8, args[0]);
          Value high = arith::ShLIOp::create(
              b, l, arith::ExtUIOp::create(b, l, i8, args[1]),
              arith::ConstantIntOp::create(b, l, i8, 4));
          linalg::YieldOp::create(b, l,
                                    ValueRange{arith::OrIOp::create(b, l, low, high)});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// The 4-bit code at logical position `index` (along the packed dimension)
/// of the byte `byte`: low nibble for even indices, high for odd ones.
Value extractNibble(OpBuilder &b, Location loc, Value byte, Value index) {
  Value odd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, index,
                            arith::ConstantIndexOp::create(b, loc, 1)),
      arith::ConstantIndexOp::create(b, loc, 0));
  Value high = arith::ShRUIOp::create(
      b, loc, byte, arith::ConstantIntOp::create(b, loc, b.getI8Type(), 4));
  Value sel = arith::SelectOp::create(b, loc, odd, high, byte);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(4), sel);
}

struct LowerUnpack : OpRewritePattern<UnpackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnpackOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    RankedTensorType resultType = op.getResult().getType();
    unsigned rank = resultType.getRank();
    SmallVector<AffineExpr> in = identityExprs(ctx, rank);
    in.back() = in.back().floorDiv(2);
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, in, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInput());
    AffineExpr s0 = getAffineSymbolExpr(0, ctx);
    sizes.back() = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 * 2,
                                                         {sizes.back()});
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{op.getInput()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = linalg::IndexOp::create(b, l, rank - 1);
          linalg::YieldOp::create(b, l, extractNibble(b, l, args[0], idx));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Integer codes of a constant (packed for 4-bit schemes), widened to i32.
/// Without a scheme the values are read as signed integers.
std::optional<std::vector<int32_t>> getConstantCodes(Value v, SchemeAttr scheme) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  bool isUnsigned = scheme && scheme.isUnsigned();
  bool packed = scheme && scheme.isSubByte();
  std::vector<int32_t> codes;
  codes.reserve(attr.getNumElements() * (packed ? 2 : 1));
  for (APInt c : attr.getValues<APInt>()) {
    if (!packed) {
      codes.push_back(isUnsigned ? int32_t(c.getZExtValue())
                                 : int32_t(c.getSExtValue()));
      continue;
    }
    uint8_t byte = uint8_t(c.getZExtValue());
    for (uint8_t nibble : {uint8_t(byte & 0xF), uint8_t(byte >> 4)})
      codes.push_back(isUnsigned ? int32_t(nibble)
                                 : int32_t(int8_t(uint8_t(nibble << 4)) >> 4));
  }
  return codes;
}

/// Wrapping i32 arithmetic, as in the lowered code.
int32_t wrapMul(int32_t a, int32_t b) {
  return int32_t(uint32_t(a) * uint32_t(b));
}
int32_t wrapAdd(int32_t a, int32_t b) {
  return int32_t(uint32_t(a) + uint32_t(b));
}

/// quantx.matmul: a (m, n, k) contraction accumulating in f32 (weight-only,
/// FP8) or i32 (integer), then an elementwise (m, n) epilogue for whatever
/// applies after the reduction: zero-point corrections, bias, scales,
/// requantization, rounding to the result type.
///
/// Integer matmuls multiply the raw codes and apply zero points as
/// corrections (the identity holds exactly in wrapping i32 arithmetic):
///   sum_k (A - za)(W - zw) = sum_k A W - za rowsum(W)[n] - zw rowsum(A)[m]
///                            + K za zw
/// so the inner loop is a plain integer dot product. The weight's row sums,
/// and with a constant input zero point the whole per-channel term (bias
/// included), are computed here when the weight is a constant.
struct LowerMatmul : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    MatmulOp::Kind kind = op.getKind();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    SchemeAttr rhsScheme = op.getRhsScheme();
    bool packed = rhsScheme.isSubByte();
    QuantParams rhs{rhsScheme, op.getRhsScale(), op.getRhsZeroPoint()};
    emitKCheck(rewriter, loc, op);
    if (std::optional<int64_t> group = op.getScaleGroupSize()) {
      rewriter.replaceOp(op, lowerGroupScaled(rewriter, op, *group));
      return success();
    }
    if (rhsScheme.isGrouped() && *rhsScheme.getAxis() == 1)
      emitMultipleCheck(rewriter, loc, op.getLhs(), 1,
                        *rhsScheme.getGroupSize(),
                        "quantx.matmul: group size " +
                            Twine(*rhsScheme.getGroupSize()) +
                            " does not divide K");
    else
      emitGroupCheck(rewriter, loc, rhsScheme, op.getRhs());

    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<Value> inputs{op.getLhs(), op.getRhs()};
    SmallVector<AffineMap> maps{
        AffineMap::get(3, 0, {m, k}, ctx),
        AffineMap::get(3, 0, {n, packed ? k.floorDiv(2) : k}, ctx)};
    // Weight-only matmuls dequantize inside the reduction; integer and FP8
    // ones scale afterwards.
    if (kind == MatmulOp::Kind::WeightOnly)
      appendParams(ctx, rhs, 3, {n, k}, inputs, maps);
    maps.push_back(AffineMap::get(3, 0, {m, n}, ctx));

    // A weight-only matmul with an accumulator_type rounds each weight,
    // product and partial sum to it, as the source it reproduces does.
    std::optional<Type> narrowAcc = op.getAccumulatorType();
    Type accElt = kind == MatmulOp::Kind::Integer
                      ? Type(rewriter.getI32Type())
                      : narrowAcc.value_or(rewriter.getF32Type());
    SmallVector<OpFoldResult> sizes{
        tensor::getMixedSize(rewriter, loc, op.getLhs(), 0),
        tensor::getMixedSize(rewriter, loc, op.getRhs(), 0)};
    auto accType = RankedTensorType::get(resultType.getShape(), accElt);
    Value empty = createEmpty(rewriter, loc, accType, sizes);
    Value zero = arith::ConstantOp::create(rewriter, loc, accElt,
                                           rewriter.getZeroAttr(accElt));
    Value init =
        linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);

    SchemeAttr lhsScheme = op.getLhsSchemeAttr();
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, accType, inputs, ValueRange{init}, maps,
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value code = args[1];
          if (packed)
            code = extractNibble(b, l, code, linalg::IndexOp::create(b, l, 2));
          Value acc = args.back();
          Value sum;
          if (kind == MatmulOp::Kind::WeightOnly) {
            unsigned pos = 2;
            auto [scale, zp] = readParams(b, l, rhs, args, pos);
            Value w = arith::MulFOp::create(
                b, l, emitDecode(b, l, rhsScheme, code, zp), scale);
            Value a = extendToF32(b, l, args[0]);
            if (narrowAcc) {
              w = truncFromF32(b, l, w, accElt);
              a = args[0];
            }
            sum = arith::AddFOp::create(b, l, acc,
                                        arith::MulFOp::create(b, l, a, w));
          } else if (kind == MatmulOp::Kind::Integer) {
            Value a = storedIntToI32(b, l, lhsScheme, args[0]);
            Value w = storedIntToI32(b, l, rhsScheme, code);
            sum = arith::AddIOp::create(b, l, acc,
                                        arith::MulIOp::create(b, l, a, w));
          } else {
            Value a = emitFloat8ToF32(b, l, args[0]);
            Value w = emitFloat8ToF32(b, l, code);
            sum = arith::AddFOp::create(b, l, acc,
                                        arith::MulFOp::create(b, l, a, w));
          }
          linalg::YieldOp::create(b, l, sum);
        });
    Value acc = contraction.getResult(0);

    rewriter.replaceOp(op, buildMatmulEpilogue(rewriter, loc, op, acc));
    return success();
  }

  /// `v` (rows x K, or rows x K/2 packed bytes) as rows x K/G x (G or G/2).
  static Value expandGroups(OpBuilder &b, Location loc, Value v, int64_t perGroup) {
    return expandInnermost(b, loc, v, perGroup);
  }

  /// Map of a scale or zero point of `scheme` over loops whose row and group
  /// indices are `row` and `g`: per tensor (), per row (row), grouped
  /// (row, g).
  static AffineMap groupParamMap(MLIRContext *ctx, SchemeAttr scheme, unsigned numLoops,
                                 AffineExpr row, AffineExpr g) {
    if (scheme.isPerTensor())
      return AffineMap::get(numLoops, 0, {}, ctx);
    if (scheme.isPerChannel())
      return AffineMap::get(numLoops, 0, {row}, ctx);
    return AffineMap::get(numLoops, 0, {row, g}, ctx);
  }

  /// Group-scaled integer matmul (scales per group of G along K): exact i32
  /// sums per group, acc[m, n, g] = sum_j (A - za) * (W - zw) over
  /// k = g * G + j; then y[m, n] = sum_g f32(acc) * (sa * sw) in increasing
  /// g from zero, the float bias, and the result type.
  static Value lowerGroupScaled(PatternRewriter &rewriter, MatmulOp op, int64_t group) {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    SchemeAttr lhsScheme = op.getLhsSchemeAttr(), rhsScheme = op.getRhsScheme();
    bool packed = rhsScheme.isSubByte();
    emitMultipleCheck(rewriter, loc, op.getLhs(), 1, group,
                      "quantx.matmul: group size " + Twine(group) + " does not divide K");
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               g = getAffineDimExpr(2, ctx), j = getAffineDimExpr(3, ctx);
    SmallVector<Value> inputs{expandGroups(rewriter, loc, op.getLhs(), group),
                              expandGroups(rewriter, loc, op.getRhs(), packed ? group / 2 : group)};
    SmallVector<AffineMap> maps{AffineMap::get(4, 0, {m, g, j}, ctx),
                                AffineMap::get(4, 0, {n, g, packed ? j.floorDiv(2) : j}, ctx)};
    int zaArg = -1, zwArg = -1;
    if (Value za = op.getLhsZeroPoint()) {
      zaArg = inputs.size();
      inputs.push_back(za);
      maps.push_back(groupParamMap(ctx, lhsScheme, 4, m, g));
    }
    if (Value zw = op.getRhsZeroPoint()) {
      zwArg = inputs.size();
      inputs.push_back(zw);
      maps.push_back(groupParamMap(ctx, rhsScheme, 4, n, g));
    }
    maps.push_back(AffineMap::get(4, 0, {m, n, g}, ctx));

    auto expandedLhs = cast<RankedTensorType>(inputs[0].getType());
    Type i32 = rewriter.getI32Type(), f32 = rewriter.getF32Type();
    auto sumsType = RankedTensorType::get(
        {expandedLhs.getDimSize(0), op.getRhs().getType().getDimSize(0),
         expandedLhs.getDimSize(1)},
        i32);
    SmallVector<OpFoldResult> sumSizes{tensor::getMixedSize(rewriter, loc, op.getLhs(), 0),
                                       tensor::getMixedSize(rewriter, loc, op.getRhs(), 0),
                                       tensor::getMixedSize(rewriter, loc, inputs[0], 1)};
    Value sumsInit =
        linalg::FillOp::create(rewriter, loc,
                               arith::ConstantIntOp::create(rewriter, loc, i32, 0).getResult(),
                               createEmpty(rewriter, loc, sumsType, sumSizes))
            .getResult(0);
    auto parallel = utils::IteratorType::parallel, reduction = utils::IteratorType::reduction;
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, sumsType, inputs, ValueRange{sumsInit}, maps,
            {parallel, parallel, parallel, reduction},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value code = args[1];
              if (packed)
                code = extractNibble(b, l, code, linalg::IndexOp::create(b, l, 3));
              Value a = storedIntToI32(b, l, lhsScheme, args[0]);
              Value w = storedIntToI32(b, l, rhsScheme, code);
              if (zaArg >= 0)
                a = arith::SubIOp::create(b, l, a, storedIntToI32(b, l, lhsScheme, args[zaArg]));
              if (zwArg >= 0)
                w = arith::SubIOp::create(b, l, w, storedIntToI32(b, l, rhsScheme, args[zwArg]));
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::AddIOp::create(b, l, args.back(),
                                                   arith::MulIOp::create(b, l, a, w))});
            })
            .getResult(0);

    // Scaled sum over the groups, in increasing g.
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto sumType = RankedTensorType::get(resultType.getShape(), f32);
    SmallVector<OpFoldResult> sizes{sumSizes[0], sumSizes[1]};
    Value init = linalg::FillOp::create(rewriter, loc,
                                        arith::ConstantOp::create(rewriter, loc,
                                                                  rewriter.getF32FloatAttr(0))
                                            .getResult(),
                                        createEmpty(rewriter, loc, sumType, sizes))
                     .getResult(0);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, sumType,
            ValueRange{sums, op.getLhsScale(), op.getRhsScale()}, ValueRange{init},
            {AffineMap::get(3, 0, {m, n, g}, ctx), groupParamMap(ctx, lhsScheme, 3, m, g),
             groupParamMap(ctx, rhsScheme, 3, n, g), AffineMap::get(3, 0, {m, n}, ctx)},
            {parallel, parallel, reduction},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value scale = arith::MulFOp::create(b, l, extendToF32(b, l, args[1]),
                                                  extendToF32(b, l, args[2]));
              Value v = arith::MulFOp::create(
                  b, l, arith::SIToFPOp::create(b, l, f32, args[0]), scale);
              linalg::YieldOp::create(b, l, ValueRange{arith::AddFOp::create(b, l, args[3], v)});
            })
            .getResult(0);
    Value bias = op.getBias();
    if (!bias && resultType.getElementType().isF32())
      return y;
    SmallVector<Value> epilogueInputs{y};
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    SmallVector<AffineMap> epilogueMaps{id};
    if (bias) {
      epilogueInputs.push_back(bias);
      epilogueMaps.push_back(AffineMap::get(2, 0, {n}, ctx));
    }
    epilogueMaps.push_back(id);
    return linalg::GenericOp::create(
               rewriter, loc, resultType, epilogueInputs,
               ValueRange{createEmptyLike(rewriter, loc, y, resultType)}, epilogueMaps,
               {parallel, parallel},
               [&](OpBuilder &b, Location l, ValueRange args) {
                 Value v = args[0];
                 if (bias)
                   v = arith::AddFOp::create(b, l, v, extendToF32(b, l, args[1]));
                 linalg::YieldOp::create(
                     b, l, ValueRange{truncFromF32(b, l, v, resultType.getElementType())});
               })
        .getResult(0);
  }

  /// Run-time check that the input's K matches the weight's when either is
  /// dynamic (the verifier covers static shapes).
  static void emitKCheck(OpBuilder &b, Location loc, MatmulOp op) {
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    RankedTensorType rhsType = op.getRhs().getType();
    if (!lhsType.isDynamicDim(1) && !rhsType.isDynamicDim(1))
      return;
    Value k = tensor::DimOp::create(b, loc, op.getLhs(), 1);
    Value kw = tensor::DimOp::create(b, loc, op.getRhs(), 1);
    if (op.getRhsScheme().isSubByte())
      kw = arith::MulIOp::create(b, loc, kw,
                                 arith::ConstantIndexOp::create(b, loc, 2));
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k, kw);
    cf::AssertOp::create(b, loc, ok,
                         "quantx.matmul: input K differs from the weight's K");
  }

  /// sum_k of the integer codes of `v` (M x K input or N x K(/2) weight)
  /// along its second dimension, as an i32 vector.
  static Value emitRowSums(OpBuilder &b, Location loc, Value v, SchemeAttr scheme) {
    MLIRContext *ctx = b.getContext();
    bool packed = scheme.isSubByte();
    AffineExpr i = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx);
    auto type = cast<RankedTensorType>(v.getType());
    auto sumType = RankedTensorType::get({type.getDimSize(0)}, b.getI32Type());
    Value empty = createEmpty(b, loc, sumType,
                              {tensor::getMixedSize(b, loc, v, 0)});
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    // Loop over the stored elements (identity maps, so the loop sizes come
    // from the operand's shape even when it is dynamic); a packed byte adds
    // both of its codes (i32 addition wraps, so the order does not matter).
    return linalg::GenericOp::create(
               b, loc, sumType, ValueRange{v}, ValueRange{init},
               {AffineMap::get(2, 0, {i, j}, ctx), AffineMap::get(2, 0, {i}, ctx)},
               {utils::IteratorType::parallel, utils::IteratorType::reduction},
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value sum = args[1];
                 if (!packed) {
                   sum = arith::AddIOp::create(nb, l, sum, storedIntToI32(nb, l, scheme, args[0]));
                 } else {
                   for (int64_t nibble : {0, 1}) {
                     Value code = extractNibble(nb, l, args[0],
                                                arith::ConstantIndexOp::create(nb, l, nibble));
                     sum = arith::AddIOp::create(nb, l, sum, storedIntToI32(nb, l, scheme, code));
                   }
                 }
                 linalg::YieldOp::create(nb, l, ValueRange{sum});
               })
        .getResult(0);
  }

  /// sum_k W[n, k] of the weight codes: a constant computed here when the
  /// weight is one (the usual case, even when the input's zero point is
  /// only known at run time), else a reduction in the IR.
  static Value weightRowSums(OpBuilder &b, Location loc, MatmulOp op) {
    SchemeAttr scheme = op.getRhsScheme();
    RankedTensorType rhsType = op.getRhs().getType();
    std::optional<std::vector<int32_t>> codes = getConstantCodes(op.getRhs(), scheme);
    if (!codes || !rhsType.hasStaticShape())
      return emitRowSums(b, loc, op.getRhs(), scheme);
    int64_t n = rhsType.getDimSize(0), k = int64_t(codes->size()) / n;
    std::vector<int32_t> sums(n, 0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < k; ++j)
        sums[i] = wrapAdd(sums[i], (*codes)[i * k + j]);
    auto type = RankedTensorType::get({n}, b.getI32Type());
    return arith::ConstantOp::create(b, loc,
                                     DenseIntElementsAttr::get(type, ArrayRef<int32_t>(sums)))
        .getResult();
  }

  /// The per-output-channel integer term `bias[n] - za * rowsum(W)[n] +
  /// K * za * zw[n]` as a constant, when the weight, the zero points (per
  /// tensor for the input), the bias and K are all constants.
  static std::optional<Value> foldChannelTerm(OpBuilder &b, Location loc,
                                              MatmulOp op) {
    SchemeAttr rhsScheme = op.getRhsScheme();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    RankedTensorType rhsType = op.getRhs().getType();
    if (lhsType.isDynamicDim(1) || !rhsType.hasStaticShape())
      return std::nullopt;
    int64_t n = rhsType.getDimSize(0), kDim = lhsType.getDimSize(1);
    auto readPerChannel = [&](Value v, SchemeAttr scheme, int64_t size)
        -> std::optional<std::vector<int32_t>> {
      if (!v)
        return std::vector<int32_t>(size, 0);
      std::optional<std::vector<int32_t>> vals = getConstantCodes(v, scheme);
      if (!vals || (vals->size() != 1 && int64_t(vals->size()) != size))
        return std::nullopt;
      if (vals->size() == 1)
        vals->assign(size, (*vals)[0]);
      return vals;
    };
    Value lhsZp = op.getLhsZeroPoint();
    if (lhsZp && !op.getLhsSchemeAttr().isPerTensor())
      return std::nullopt;
    std::optional<std::vector<int32_t>> za =
        readPerChannel(lhsZp, op.getLhsSchemeAttr(), 1);
    std::optional<std::vector<int32_t>> zw =
        readPerChannel(op.getRhsZeroPoint(), rhsScheme, n);
    std::optional<std::vector<int32_t>> codes =
        lhsZp ? getConstantCodes(op.getRhs(), rhsScheme)
              : std::optional<std::vector<int32_t>>(std::vector<int32_t>());
    std::optional<std::vector<int32_t>> bias;
    Value biasValue = op.getBias();
    if (biasValue && cast<ShapedType>(biasValue.getType()).getElementType().isInteger(32))
      bias = readPerChannel(biasValue, SchemeAttr(), n);
    else
      bias = std::vector<int32_t>(n, 0);
    if (!za || !zw || !codes || !bias)
      return std::nullopt;
    std::vector<int32_t> term(n);
    int32_t k32 = int32_t(kDim);
    for (int64_t c = 0; c < n; ++c) {
      int32_t rowSum = 0;
      if (lhsZp)
        for (int64_t j = 0; j < kDim; ++j)
          rowSum = wrapAdd(rowSum, (*codes)[c * kDim + j]);
      int32_t t = (*bias)[c];
      t = wrapAdd(t, -wrapMul((*za)[0], rowSum));
      t = wrapAdd(t, wrapMul(wrapMul(k32, (*za)[0]), (*zw)[c]));
      term[c] = t;
    }
    auto type = RankedTensorType::get({n}, b.getI32Type());
    return arith::ConstantOp::create(
               b, loc, DenseIntElementsAttr::get(type, ArrayRef<int32_t>(term)))
        .getResult();
  }

  /// Elementwise (m, n) pass over the accumulator: zero-point corrections
  /// and i32 bias, then rounding to the result type, rescaling by
  /// `sa * sw` (plus a float bias), or requantizing with `(sa * sw) / so`.
  static Value buildEpilogue(PatternRewriter &rewriter, Location loc,
                             MatmulOp op, Value acc) {
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap rowMap = AffineMap::get(2, 0, {m}, ctx);
    AffineMap colMap = AffineMap::get(2, 0, {n}, ctx);
    SmallVector<Value> inputs{acc};
    SmallVector<AffineMap> maps{identity};
    auto add = [&](Value v, AffineMap map) -> int {
      if (!v)
        return -1;
      inputs.push_back(v);
      maps.push_back(map);
      return int(inputs.size()) - 1;
    };
    MatmulOp::Kind kind = op.getKind();
    SchemeAttr lhsScheme = op.getLhsSchemeAttr(), rhsScheme = op.getRhsScheme();
    QuantParams out{op.getOutSchemeAttr(), op.getOutScale(),
                    op.getOutZeroPoint()};
    Value bias = op.getBias();
    bool intBias = bias && cast<ShapedType>(bias.getType()).getElementType().isInteger(32);

    // Integer corrections.
    int channelTermArg = -1, zaArg = -1, zwArg = -1, rowSumWArg = -1,
        rowSumAArg = -1, intBiasArg = -1;
    Value kI32;
    if (kind == MatmulOp::Kind::Integer) {
      Value za = op.getLhsZeroPoint(), zw = op.getRhsZeroPoint();
      std::optional<Value> term;
      if (za || intBias)
        term = foldChannelTerm(rewriter, loc, op);
      if (term) {
        channelTermArg = add(*term, colMap);
      } else {
        if (za) {
          zaArg = add(za, getParamMap(ctx, lhsScheme, 2, {m}));
          rowSumWArg = add(weightRowSums(rewriter, loc, op), colMap);
        }
        if (intBias)
          intBiasArg = add(bias, colMap);
      }
      if (zw) {
        zwArg = add(zw, getParamMap(ctx, rhsScheme, 2, {n}));
        rowSumAArg = add(emitRowSums(rewriter, loc, op.getLhs(), lhsScheme), rowMap);
      }
      if (za && zw && !term)
        kI32 = arith::IndexCastOp::create(
            rewriter, loc, rewriter.getI32Type(),
            tensor::DimOp::create(rewriter, loc, op.getLhs(), 1));
    }
    // Scales vary at most along dimension 0 of their operand (the verifier
    // guarantees it), i.e. along m for the input, n for weights.
    bool scaled = kind != MatmulOp::Kind::WeightOnly && !op.isRawAccumulator();
    int lhsScaleArg = -1, rhsScaleArg = -1, outArg = -1, floatBiasArg = -1;
    if (scaled) {
      lhsScaleArg = add(op.getLhsScale(), getParamMap(ctx, lhsScheme, 2, {m}));
      rhsScaleArg = add(op.getRhsScale(), getParamMap(ctx, rhsScheme, 2, {n}));
      if (out.scheme) {
        outArg = int(inputs.size());
        appendParams(ctx, out, 2, {m, n}, inputs, maps);
      }
    }
    if (bias && !intBias)
      floatBiasArg = add(bias, colMap);
    maps.push_back(identity);

    Value init = createEmptyLike(rewriter, loc, acc, resultType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, inputs, ValueRange{init}, maps,
        {utils::IteratorType::parallel, utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0];
          auto i32 = [&](int arg, SchemeAttr scheme) {
            return storedIntToI32(b, l, scheme, args[arg]);
          };
          if (channelTermArg >= 0)
            v = arith::AddIOp::create(b, l, v, args[channelTermArg]);
          if (zaArg >= 0)
            v = arith::SubIOp::create(
                b, l, v,
                arith::MulIOp::create(b, l, i32(zaArg, lhsScheme),
                                      args[rowSumWArg]));
          if (zwArg >= 0)
            v = arith::SubIOp::create(
                b, l, v,
                arith::MulIOp::create(b, l, i32(zwArg, rhsScheme),
                                      args[rowSumAArg]));
          if (kI32)
            v = arith::AddIOp::create(
                b, l, v,
                arith::MulIOp::create(
                    b, l, kI32,
                    arith::MulIOp::create(b, l, i32(zaArg, lhsScheme),
                                          i32(zwArg, rhsScheme))));
          if (intBiasArg >= 0)
            v = arith::AddIOp::create(b, l, v, args[intBiasArg]);
          if (op.isRawAccumulator()) {
            linalg::YieldOp::create(b, l, v);
            return;
          }
          if (isa<IntegerType>(v.getType()))
            v = arith::SIToFPOp::create(b, l, b.getF32Type(), v);
          else
            v = extendToF32(b, l, v); // a narrow accumulator_type
          if (scaled) {
            Value scale =
                arith::MulFOp::create(b, l, extendToF32(b, l, args[lhsScaleArg]),
                                      extendToF32(b, l, args[rhsScaleArg]));
            if (out.scheme) {
              unsigned pos = outArg;
              auto [outScale, outZp] = readParams(b, l, out, args, pos);
              Value multiplier = arith::DivFOp::create(b, l, scale, outScale);
              v = arith::MulFOp::create(b, l, v, multiplier);
              linalg::YieldOp::create(b, l,
                                      emitEncode(b, l, out.scheme, v, outZp));
              return;
            }
            v = arith::MulFOp::create(b, l, v, scale);
          }
          if (floatBiasArg >= 0)
            v = arith::AddFOp::create(b, l, v,
                                      extendToF32(b, l, args[floatBiasArg]));
          linalg::YieldOp::create(
              b, l, truncFromF32(b, l, v, resultType.getElementType()));
        });
    return generic.getResult(0);
  }
};

} // namespace

Value mlir::quantx::buildMatmulEpilogue(PatternRewriter &rewriter, Location loc,
                                       MatmulOp op, Value acc) {
  Type accElt = getElementTypeOrSelf(acc.getType());
  bool needsEpilogue =
      op.getBias() || op.getRhsZeroPoint() || op.getLhsZeroPoint() ||
      getElementTypeOrSelf(op.getResult().getType()) != accElt ||
      (op.getKind() != MatmulOp::Kind::WeightOnly && !op.isRawAccumulator());
  if (!needsEpilogue)
    return acc;
  return LowerMatmul::buildEpilogue(rewriter, loc, op, acc);
}

namespace {

/// `linalg.unpack` (weights stored in tiles, e.g. the 4-bit codes of
/// parameter files written for the CPU kernels) where no kernel reads the
/// tiles: a transpose and a reshape, which bufferize.
struct LowerTileUnpack : OpRewritePattern<linalg::UnPackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::UnPackOp op, PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not on tensors");
    return success(succeeded(linalg::lowerUnPack(rewriter, op)));
  }
};

struct QuantXLowerToLinalgPass
    : quantx::impl::QuantXLowerToLinalgBase<QuantXLowerToLinalgPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    int64_t before = 0;
    // (isa_and_present: ops of unregistered dialects have no dialect.)
    root->walk([&](Operation *op) {
      if (isa_and_present<QuantXDialect>(op->getDialect()))
        ++before;
    });
    RewritePatternSet patterns(&getContext());
    populateQuantXToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
    int64_t remaining = 0;
    root->walk([&](Operation *op) {
      if (isa_and_present<quant::QuantDialect>(op->getDialect())) {
        op->emitError() << "is not lowered: quant casts are lowered after "
                           "--quantx-from-quant imports them (the CPU and GPU "
                           "pipelines run it), and this one could not be imported";
        ++remaining;
        return;
      }
      if (!isa_and_present<QuantXDialect>(op->getDialect()))
        return;
      op->emitError() << "could not be lowered to linalg";
      ++remaining;
    });
    numOpsLowered += before - remaining;
    if (remaining)
      signalPassFailure();
  }
};

} // namespace

void mlir::quantx::populateQuantXToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSchemeOp<QuantizeOp>, LowerSchemeOp<DequantizeOp>,
               LowerSchemeOp<FakeQuantOp>, LowerObserve, LowerPack, LowerUnpack,
               LowerMatmul, LowerTileUnpack>(patterns.getContext());
}
