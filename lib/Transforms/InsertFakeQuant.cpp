//===- InsertFakeQuant.cpp - schemes per op, fake-quant and observers -----===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"
#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringMap.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXINSERTFAKEQUANT
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

/// Smallest scale produced, so all-zero channels still get a valid scale.
static constexpr double kMinScale = 1.1920928955078125e-07;

static Value absMaxToScale(OpBuilder &b, Location loc, Value absMax, double qmax);

Value mlir::quantx::buildAbsMaxScale(OpBuilder &b, Location loc, Value x,
                                     std::optional<int64_t> axis, double qmax) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  unsigned rank = type.getRank();
  Type f32 = b.getF32Type();
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::reduction);
  if (axis) {
    shape.push_back(type.getDimSize(*axis));
    if (type.isDynamicDim(*axis))
      dynamic.push_back(tensor::DimOp::create(b, loc, x, *axis));
    outExprs.push_back(getAffineDimExpr(*axis, ctx));
    iterators[*axis] = utils::IteratorType::parallel;
  }
  auto outType = RankedTensorType::get(shape, f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value empty = tensor::EmptyOp::create(b, loc, outType, dynamic);
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                              AffineMap::get(rank, 0, outExprs, ctx)};
  Value absMax =
      linalg::GenericOp::create(
          b, loc, outType, ValueRange{x}, ValueRange{init}, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value v = args[0];
            if (!v.getType().isF32())
              v = arith::ExtFOp::create(nb, l, nb.getF32Type(), v);
            Value a = math::AbsFOp::create(nb, l, v);
            linalg::YieldOp::create(nb, l, ValueRange{arith::MaximumFOp::create(
                                               nb, l, args[1], a)});
          })
          .getResult(0);
  return absMaxToScale(b, loc, absMax, qmax);
}

/// max(absMax / qmax, tiny), elementwise.
static Value absMaxToScale(OpBuilder &b, Location loc, Value absMax, double qmax) {
  auto outType = cast<RankedTensorType>(absMax.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < outType.getRank(); ++d)
    if (outType.isDynamicDim(d))
      dynamic.push_back(tensor::DimOp::create(b, loc, absMax, d));
  unsigned outRank = outType.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(outRank, ctx);
  return linalg::GenericOp::create(
             b, loc, outType, ValueRange{absMax},
             ValueRange{Value(tensor::EmptyOp::create(b, loc, outType, dynamic))},
             SmallVector<AffineMap>{id, id},
             SmallVector<utils::IteratorType>(outRank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value s = arith::DivFOp::create(
                   nb, l, args[0],
                   arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(qmax)));
               s = arith::MaximumFOp::create(
                   nb, l, s,
                   arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(kMinScale)));
               linalg::YieldOp::create(nb, l, ValueRange{s});
             })
      .getResult(0);
}

Value mlir::quantx::buildGroupAbsMaxScale(OpBuilder &b, Location loc, Value x, int64_t axis,
                                          int64_t group, double qmax) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  // x viewed with `axis` split into (size / group, group); the absmax
  // reduces the inner part.
  SmallVector<int64_t> expandedShape, outShape;
  SmallVector<OpFoldResult> expandedSizes;
  SmallVector<ReassociationIndices> reassociation;
  SmallVector<Value> outDynamic;
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0, e = 0; d < rank; ++d) {
    int64_t size = type.getDimSize(d);
    OpFoldResult mixed = tensor::getMixedSize(b, loc, x, d);
    if (d != axis) {
      reassociation.push_back({e});
      expandedShape.push_back(size);
      expandedSizes.push_back(mixed);
      outShape.push_back(size);
      if (ShapedType::isDynamic(size))
        outDynamic.push_back(tensor::DimOp::create(b, loc, x, d));
      outExprs.push_back(getAffineDimExpr(e++, ctx));
      continue;
    }
    int64_t groups = ShapedType::isDynamic(size) ? ShapedType::kDynamic : size / group;
    OpFoldResult numGroups = b.getIndexAttr(groups);
    if (ShapedType::isDynamic(size)) {
      Value v = arith::DivUIOp::create(b, loc, tensor::DimOp::create(b, loc, x, d),
                                       arith::ConstantIndexOp::create(b, loc, group));
      numGroups = v;
      outDynamic.push_back(v);
    }
    reassociation.push_back({e, e + 1});
    expandedShape.append({groups, group});
    expandedSizes.append({numGroups, b.getIndexAttr(group)});
    outShape.push_back(groups);
    outExprs.push_back(getAffineDimExpr(e, ctx));
    e += 2;
  }
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expandedShape, type.getElementType()), x, reassociation,
      expandedSizes);
  Type f32 = b.getF32Type();
  auto outType = RankedTensorType::get(outShape, f32);
  Value init = linalg::FillOp::create(b, loc,
                                      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))
                                          .getResult(),
                                      tensor::EmptyOp::create(b, loc, outType, outDynamic).getResult())
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(rank + 1, utils::IteratorType::parallel);
  iterators[axis + 1] = utils::IteratorType::reduction;
  Value absMax =
      linalg::GenericOp::create(
          b, loc, outType, ValueRange{expanded}, ValueRange{init},
          SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank + 1, ctx),
                                 AffineMap::get(rank + 1, 0, outExprs, ctx)},
          iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value v = args[0];
            if (!v.getType().isF32())
              v = arith::ExtFOp::create(nb, l, f32, v);
            linalg::YieldOp::create(
                nb, l,
                ValueRange{arith::MaximumFOp::create(nb, l, args[1],
                                                     math::AbsFOp::create(nb, l, v))});
          })
          .getResult(0);
  return absMaxToScale(b, loc, absMax, qmax);
}

namespace {

/// Compile-time parameters of a constant weight for `scheme`: absmax / qmax
/// scales for symmetric kinds; for unsigned kinds (asymmetric), scales
/// (max - min) / (qmax - qmin) over a range widened to contain 0, and zero
/// points qmin - round(min / scale). Fails on non-finite weights.
struct WeightParams {
  Value scale, zeroPoint;
};

FailureOr<WeightParams> constantWeightParams(OpBuilder &b, Location loc,
                                             ArrayRef<double> values,
                                             ArrayRef<int64_t> shape,
                                             SchemeAttr scheme, double qmax) {
  int64_t rank = shape.size();
  int64_t axis = *scheme.getAxis();
  int64_t group = scheme.getGroupSize().value_or(shape[axis]);
  SmallVector<int64_t> paramShape;
  if (scheme.isGrouped()) {
    paramShape.assign(shape.begin(), shape.end());
    paramShape[axis] /= group;
  } else {
    paramShape.push_back(shape[axis]);
  }
  int64_t numParams = 1;
  for (int64_t d : paramShape)
    numParams *= d;
  std::vector<double> lo(numParams, 0.0), hi(numParams, 0.0);
  SmallVector<int64_t> index(rank, 0);
  for (double v : values) {
    if (!std::isfinite(v))
      return failure();
    int64_t slot;
    if (scheme.isGrouped()) {
      slot = 0;
      for (int64_t d = 0; d < rank; ++d)
        slot = slot * paramShape[d] + (d == axis ? index[d] / group : index[d]);
    } else {
      slot = index[axis];
    }
    lo[slot] = std::min(lo[slot], v);
    hi[slot] = std::max(hi[slot], v);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  bool asymmetric = scheme.isUnsigned();
  SmallVector<float> scales;
  SmallVector<APInt> zeroPoints;
  unsigned bits = scheme.getStorageBits();
  for (int64_t i = 0; i < numParams; ++i) {
    BlockParams p = computeBlockParams(scheme, lo[i], hi[i], qmax);
    scales.push_back(p.scale);
    if (asymmetric)
      zeroPoints.push_back(APInt(bits, uint64_t(p.zeroPoint), /*isSigned=*/false,
                                 /*implicitTrunc=*/true));
  }
  WeightParams params;
  auto scaleType = RankedTensorType::get(paramShape, b.getF32Type());
  params.scale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
  if (asymmetric)
    params.zeroPoint = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(scaleType.clone(b.getIntegerType(bits)), zeroPoints));
  return params;
}

/// Double quantization of block scales (as bitsandbytes does for NF4): the
/// f32 scales become u8 codes with one f32 scale per block of up to 256
/// scales along `axis`, and the weight is quantized with the dequantized
/// scales, so what is stored is exactly what is used. Codes are at least 1,
/// so no block scale becomes zero.
Value doubleQuantizeScales(OpBuilder &b, Location loc, Value scaleConst,
                           int64_t axis) {
  std::vector<double> scales = *getConstantFloatValues(scaleConst);
  auto type = cast<RankedTensorType>(scaleConst.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t extent = shape[axis];
  int64_t block = 1;
  for (int64_t d = 1; d <= std::min<int64_t>(extent, 256); ++d)
    if (extent % d == 0)
      block = d;
  MLIRContext *ctx = b.getContext();
  auto scheme = SchemeAttr::get(ctx, StorageKind::u8, axis, block, false);
  SmallVector<int64_t> outerShape(shape);
  outerShape[axis] /= block;
  int64_t numOuter = 1;
  for (int64_t d : outerShape)
    numOuter *= d;
  // Second-level scale: the block's largest scale over 255 (scales are >= 0).
  std::vector<double> blockMax(numOuter, 0.0);
  auto slotOf = [&](ArrayRef<int64_t> idx) {
    int64_t slot = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      slot = slot * outerShape[d] + (int64_t(d) == axis ? idx[d] / block : idx[d]);
    return slot;
  };
  SmallVector<int64_t> idx(shape.size(), 0);
  auto next = [&] {
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        return;
      idx[d] = 0;
    }
  };
  for (double v : scales) {
    int64_t slot = slotOf(idx);
    blockMax[slot] = std::max(blockMax[slot], v);
    next();
  }
  SmallVector<float> outer;
  for (double m : blockMax)
    outer.push_back(float(std::max(m / 255.0, kMinScale)));
  SmallVector<char> codes;
  idx.assign(shape.size(), 0);
  for (double v : scales) {
    // Code 0 would make a zero scale; the smallest stored scale is one step.
    codes.push_back(char(std::max<uint8_t>(
        1, hostQuantize(scheme, float(v), outer[slotOf(idx)], 0))));
    next();
  }
  Value codeConst = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::getFromRawBuffer(type.clone(b.getI8Type()), codes));
  Value outerConst = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(outerShape, b.getF32Type()),
                             ArrayRef<float>(outer)));
  scaleConst.getDefiningOp()->erase();
  return DequantizeOp::create(b, loc, type, codeConst, outerConst, Value(), scheme);
}

struct Candidate {
  linalg::LinalgOp op;
  std::string name, function;
};

struct InsertFakeQuantPass
    : quantx::impl::QuantXInsertFakeQuantBase<InsertFakeQuantPass> {
  using Base::Base;

  void runOnOperation() override;
  /// Applies `choice` to `c`; returns false when the op stays in float.
  LogicalResult apply(const Candidate &c, const SchemeChoice &choice,
                      bool &quantized);

  llvm::StringMap<ObserverStats> statsByName;
  ScaleMethod scaleMethod = ScaleMethod::MinMax;
  /// The NVIDIA compute capability of the target (e.g. 80), if a GPU.
  std::optional<int64_t> targetSM;
  /// Observers of op inputs by (value, channel axis), and the names that
  /// alias them.
  llvm::DenseMap<std::pair<Value, int64_t>, ObserveOp> observedInputs;
  /// The observer of `act` (reduction dimension `kPos`) for op `name`,
  /// shared with earlier ops reading the same input.
  Value observeInput(OpBuilder &b, Location loc, Operation *op, StringRef name, Value act,
                     std::optional<unsigned> kPos);
  /// A static activation scale from the statistics (SmoothQuant's smoothed
  /// ranges, or the op's scale method), or an observer when there are none.
  LogicalResult staticActivationScale(OpBuilder &b, Location loc, Operation *op,
                                      StringRef name, const SchemeChoice &choice, Value act,
                                      std::optional<unsigned> kPos, bool alreadyObserved,
                                      double actMax, Value &actScale, Value &actFq);
  SmallVector<NamedAttribute> observerAliases;
};

Value InsertFakeQuantPass::observeInput(OpBuilder &b, Location loc, Operation *op,
                                        StringRef name, Value act,
                                        std::optional<unsigned> kPos) {
  // An input several ops read (q/k/v, gate/up) is observed once; the
  // other ops' observer names become aliases of that observer.
  int64_t axis = kPos ? int64_t(*kPos) : -1;
  auto it = observedInputs.find({act, axis});
  if (it != observedInputs.end() && it->second->getBlock() == op->getBlock() &&
      it->second->isBeforeInBlock(op)) {
    observerAliases.push_back({b.getStringAttr(name + ".input"), it->second.getNameAttr()});
    return it->second.getResult();
  }
  auto observer = ObserveOp::create(b, loc, act.getType(), b.getStringAttr(name + ".input"), act,
                                    kPos ? b.getI64IntegerAttr(*kPos) : IntegerAttr());
  observedInputs[{act, axis}] = observer;
  return observer;
}

LogicalResult InsertFakeQuantPass::staticActivationScale(
    OpBuilder &b, Location loc, Operation *op, StringRef name, const SchemeChoice &choice,
    Value act, std::optional<unsigned> kPos, bool alreadyObserved, double actMax,
    Value &actScale, Value &actFq) {
  const ObserverStats *found = findInputStats(statsByName, name);
  if (!found && alreadyObserved)
    return success(); // nothing to add until statistics exist
  if (!found) {
    // No statistics yet: observe the activation for calibration, per
    // channel along the reduction dimension (for SmoothQuant) and in all.
    actFq = ObserveOp::create(b, loc, act.getType(), b.getStringAttr(name + ".input"), act,
                              kPos ? b.getI64IntegerAttr(*kPos) : IntegerAttr());
    return success();
  }
  double threshold;
  if (auto smooth = op->getAttrOfType<DenseFPElementsAttr>(kSmoothAttr)) {
    // SmoothQuant divided channel j by s_j: the smoothed range is the
    // largest per-channel |range| / s_j (min-max on channel ranges).
    if (found->channelMax.size() != size_t(smooth.getNumElements()))
      return op->emitError() << "'" << name << "': smoothed op needs per-channel statistics "
                                "of its input";
    threshold = 0;
    for (auto [j, f] : llvm::enumerate(smooth.getValues<APFloat>()))
      threshold = std::max(threshold, std::max(-found->channelMin[j], found->channelMax[j]) /
                                          f.convertToDouble());
  } else {
    // The recipe's method for this op, else the pass option.
    ScaleMethod opMethod = choice.method ? *parseScaleMethod(*choice.method) : scaleMethod;
    auto q = chooseQuantParams(*found, opMethod, QuantGrid{-128, 127, true}, percentile);
    if (!q)
      return op->emitError() << "'" << name << "': " << llvm::toString(q.takeError());
    threshold = q->hi;
  }
  float scaleValue = float(std::max(threshold / actMax, kMinScale));
  actScale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                     ArrayRef<float>(scaleValue)));
  return success();
}

void InsertFakeQuantPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto parsedRecipe =
      Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
  if (!parsedRecipe) {
    mlir::emitError(module.getLoc()) << llvm::toString(parsedRecipe.takeError());
    return signalPassFailure();
  }
  Recipe recipeRules = std::move(*parsedRecipe);
  StringRef targetName = target;
  if (targetName.consume_front("sm_")) {
    int64_t sm;
    if (targetName.getAsInteger(10, sm)) {
      mlir::emitError(module.getLoc()) << "unknown target '" << target
                         << "'; expected cpu or sm_XY (e.g. sm_90)";
      return signalPassFailure();
    }
    targetSM = sm;
  } else if (target != "cpu") {
    mlir::emitError(module.getLoc()) << "unknown target '" << target
                       << "'; expected cpu or sm_XY (e.g. sm_90)";
    return signalPassFailure();
  }
  std::optional<ScaleMethod> m = parseScaleMethod(method);
  if (!m) {
    mlir::emitError(module.getLoc()) << "unknown method '" << method
                       << "'; expected minmax, percentile, mse or entropy";
    return signalPassFailure();
  }
  scaleMethod = *m;
  if (!stats.empty()) {
    FailureOr<llvm::StringMap<ObserverStats>> loaded = loadStatsByName(module, stats);
    if (failed(loaded))
      return signalPassFailure();
    statsByName = std::move(*loaded);
  }

  // Weights a frontend already quantized keep their codes (as in
  // --quantx-ptq): recognize their dequantization first.
  {
    RewritePatternSet patterns(&getContext());
    populateRaiseDequantizationPatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }
  std::vector<Candidate> candidates;
  for (const MatmulSite &site : collectMatmulSites(module))
    candidates.push_back({cast<linalg::LinalgOp>(site.op), site.name, site.function});
  observedInputs.clear();
  observerAliases.clear();
  for (auto [i, c] : llvm::enumerate(candidates)) {
    StringRef opKind = c.op->getName().getStringRef();
    if (auto source = c.op->getAttrOfType<StringAttr>(kSourceOpAttr))
      opKind = source.getValue();
    OpSite site{opKind, c.function, c.name, int64_t(i),
                int64_t(candidates.size())};
    SchemeChoice choice = recipeRules.choose(site);
    bool quantized = false;
    if (choice.scheme == QuantScheme::Float)
      c.op->setAttr(kKeptFloatAttr,
                    StringAttr::get(&getContext(), "float by " + choice.origin));
    else if (failed(apply(c, choice, quantized)))
      return signalPassFailure();
    if (quantized)
      ++numQuantized;
    else
      ++numFloat;
  }
  if (!observerAliases.empty()) {
    SmallVector<NamedAttribute> all(observerAliases);
    if (auto old = module->getAttrOfType<DictionaryAttr>(kObserverAliasesAttr))
      llvm::append_range(all, old.getValue());
    module->setAttr(kObserverAliasesAttr, DictionaryAttr::get(&getContext(), all));
  }
}

/// A group size that does not divide the reduction dimension `k` of a
/// constant weight is an error naming the op and the rule.
static LogicalResult checkGroupSize(Operation *op, StringRef name, const SchemeChoice &choice,
                                    int64_t k) {
  if (ShapedType::isDynamic(k) || k % choice.groupSize == 0)
    return success();
  return op->emitError() << "'" << name << "': group size " << choice.groupSize
                         << " (from " << choice.origin
                         << ") does not divide the reduction dimension of size " << k
                         << "; choose a group size that divides it or keep the op in "
                            "float with a rule";
}

/// A weight the input model already quantized (`dq`) keeps its codes and
/// scheme, with a remark. Returns true when the recipe quantizes activations
/// (`activations`, with weight storage `storage`) but that weight scheme has
/// no matmul with quantized activations (8-bit integer or FP8 like the
/// recipe's, per tensor or per output channel `nAxis`): the op then stays
/// weight-only.
static bool keepsInputWeight(Operation *op, StringRef name, DequantizeOp dq,
                             StorageKind storage, int64_t nAxis, int64_t kAxis,
                             bool activations, bool groupScaled) {
  SchemeAttr fs = dq.getScheme();
  // Group-scaled integer matmuls (w4a8-dynamic, w8a8-dynamic-group) also
  // take 4-bit codes and scales per group along K.
  bool sameKind = storage == StorageKind::f8E4M3FN || storage == StorageKind::f8E5M2
                      ? fs.isFloat8()
                      : fs.isInteger() && (groupScaled || !fs.isSubByte());
  bool factorable = fs.isPerTensor() || (fs.isPerChannel() && *fs.getAxis() == nAxis) ||
                    (groupScaled && fs.isGrouped() && *fs.getAxis() == kAxis);
  bool weightOnly = activations && !(sameKind && factorable);
  InFlightDiagnostic remark = op->emitRemark();
  remark << "'" << name << "' keeps the quantized weight it was given (" << Attribute(fs) << ")";
  if (weightOnly)
    remark << "; its activations stay float (no quantized-activation matmul for that "
              "weight scheme)";
  return weightOnly;
}

/// The parameters of the fake quantization of a weight that has none yet:
/// computed here for constants (compile time), at run time per channel for
/// other per-channel weights; `done` (nothing to insert) for group-wise
/// weights in a parameter file, which --quantx-quantize-parameters
/// quantizes from the file. Fails with the reason the op stays float.
static LogicalResult weightFakeQuantParams(OpBuilder &b, Location loc, Value weight,
                                           SchemeAttr scheme, const WeightOnlyFormat &format,
                                           bool doubleQuant, int64_t nAxis, int64_t kAxis,
                                           Value &scale, Value &zeroPoint, bool &done,
                                           std::string &why) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (std::optional<std::vector<double>> values = getConstantFloatValues(weight)) {
    why = "the constant weight has a dynamic shape";
    if (!weightType.hasStaticShape())
      return failure();
    FailureOr<WeightParams> params =
        constantWeightParams(b, loc, *values, weightType.getShape(), scheme, format.qmax);
    why = "the weight has NaN or infinite values";
    if (failed(params))
      return failure();
    scale = params->scale;
    zeroPoint = params->zeroPoint;
    if (doubleQuant)
      scale = doubleQuantizeScales(b, loc, scale, kAxis);
    return success();
  }
  if (!format.grouped) {
    scale = buildAbsMaxScale(b, loc, weight, nAxis, format.qmax);
    return success();
  }
  // (Its input is still observed: GPTQ's second moments.)
  done = getLoadedParameter(weight) != nullptr;
  why = "group-wise weights must be constants (this weight is computed at run time)";
  return success(done);
}

/// w4a8-dynamic / w8a8-dynamic-group: the run-time activation scale per
/// row and group of K (`kPos` in the activation) and its scheme; the group
/// is the weight's (`weightScheme`) when it has one along K (`kAxis` in the
/// weight), else the recipe's. Fails with the reason the op stays float.
static LogicalResult groupedActivationScale(OpBuilder &b, Location loc, Value act,
                                            std::optional<unsigned> kPos,
                                            SchemeAttr weightScheme, int64_t kAxis,
                                            int64_t recipeGroup, double actMax,
                                            SchemeAttr &actScheme, Value &actScale,
                                            std::string &why) {
  if (!kPos) {
    why = "the activation's reduction dimension is not a plain dimension";
    return failure();
  }
  int64_t group = weightScheme.isGrouped() && *weightScheme.getAxis() == kAxis
                      ? *weightScheme.getGroupSize()
                      : recipeGroup;
  int64_t kSize = cast<RankedTensorType>(act.getType()).getDimSize(*kPos);
  if (ShapedType::isDynamic(kSize) || kSize % group != 0) {
    why = "per-group activation scales need a static reduction dimension that the group "
          "size " + std::to_string(group) + " divides";
    return failure();
  }
  actScheme = SchemeAttr::get(b.getContext(), StorageKind::i8, int64_t(*kPos), group, false);
  actScale = buildGroupAbsMaxScale(b, loc, act, *kPos, group, actMax);
  return success();
}

LogicalResult InsertFakeQuantPass::apply(const Candidate &c,
                                         const SchemeChoice &choice,
                                         bool &quantized) {
  linalg::LinalgOp op = c.op;
  MLIRContext *ctx = op->getContext();
  auto keepFloat = [&](const Twine &why) {
    op->emitRemark() << "'" << c.name << "' left in float: " << why;
    op->setAttr(kKeptFloatAttr, StringAttr::get(ctx, why));
    return success();
  };

  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims) || dims->n.size() != 1 || dims->k.size() != 1)
    return keepFloat("it is not a contraction with one output-channel and one "
                     "reduction dimension");
  OpOperand *lhsOperand = op.getDpsInputOperand(0);
  OpOperand *rhsOperand = op.getDpsInputOperand(1);
  AffineMap rhsMap = op.getMatchingIndexingMap(rhsOperand);
  std::optional<unsigned> nAxis = rhsMap.getResultPosition(getAffineDimExpr(dims->n[0], ctx));
  std::optional<unsigned> kAxis = rhsMap.getResultPosition(getAffineDimExpr(dims->k[0], ctx));
  if (!nAxis || !kAxis)
    return keepFloat("the weight's output-channel and reduction dimensions "
                     "are not plain dimensions");
  Value weight = rhsOperand->get();
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!dims->batch.empty() && !getConstantFloatValues(weight))
    return keepFloat("its second operand has batch dimensions and is not a "
                     "constant weight (e.g. attention scores)");

  QuantScheme s = choice.scheme;
  if (s == QuantScheme::FP8 && targetSM && *targetSM < 89)
    return op->emitError() << "'" << c.name << "': fp8 (from " << choice.origin
                           << ") needs FP8 tensor cores, which sm_" << *targetSM
                           << " lacks (sm_89 or newer); choose another scheme "
                              "for this target";
  // The weight's storage; scales per group along the reduction dimension
  // for the grouped schemes.
  bool doubleQuant = s == QuantScheme::W4A16NF4DQ, activations;
  bool groupScaled = s == QuantScheme::W4A8Dynamic || s == QuantScheme::W8A8DynamicGroup;
  std::optional<WeightOnlyFormat> format = getWeightFormat(s, activations);
  if (!format)
    return keepFloat("its scheme quantizes nothing");
  bool grouped = format->grouped;
  StorageKind storage = format->storage;
  SchemeAttr weightScheme =
      grouped ? SchemeAttr::get(ctx, storage, int64_t(*kAxis), choice.groupSize, false)
              : SchemeAttr::get(ctx, storage, int64_t(*nAxis), std::nullopt, false);
  // A weight that is already fake-quantized (QAT) or explicitly dequantized
  // (imported or raised quantized weights) keeps its parameters.
  bool weightDone = weight.getDefiningOp<FakeQuantOp>() != nullptr ||
                    weight.getDefiningOp<DequantizeOp>() != nullptr;
  // (Weights computed at run time stay in float for group-wise schemes
  // below, so their group size does not matter.)
  if (grouped && !weightDone && matchPattern(weight, m_Constant()) &&
      failed(checkGroupSize(op, c.name, choice, weightType.getDimSize(*kAxis))))
    return failure();

  OpBuilder b(op);
  Location loc = op.getLoc();
  // Operands that are already fake-quantized (QAT, imported Q/DQ) keep
  // their learned parameters.
  bool actDone = lhsOperand->get().getDefiningOp<FakeQuantOp>() != nullptr;
  Value weightScale, weightZeroPoint;
  if (!weightDone) {
    std::string why;
    if (failed(weightFakeQuantParams(b, loc, weight, weightScheme, *format, doubleQuant, *nAxis,
                                     *kAxis, weightScale, weightZeroPoint, weightDone, why)))
      return keepFloat(why);
  }

  bool frontendWeightOnly = false;
  if (auto dq = weight.getDefiningOp<DequantizeOp>())
    frontendWeightOnly = keepsInputWeight(op, c.name, dq, storage, *nAxis, *kAxis, activations,
                                          groupScaled);

  // Activation: fake-quant for schemes that quantize it.
  Value act = lhsOperand->get();
  // A model that already has observers (e.g. the calibration model passed
  // again): quantize what they observe instead of stacking another one.
  auto existingObserver = act.getDefiningOp<ObserveOp>();
  if (existingObserver)
    act = existingObserver.getInput();
  auto actType = cast<RankedTensorType>(act.getType());
  bool quantizeAct = activations && !frontendWeightOnly;
  Value actFq;
  if (!quantizeAct && observeInputs && !actDone && !existingObserver)
    actFq = observeInput(b, loc, op, c.name, act,
                         op.getMatchingIndexingMap(lhsOperand)
                             .getResultPosition(getAffineDimExpr(dims->k[0], ctx)));
  if (quantizeAct && !actDone) {
    SchemeAttr actScheme = SchemeAttr::get(
        ctx, s == QuantScheme::FP8 ? StorageKind::f8E4M3FN : StorageKind::i8,
        std::nullopt, std::nullopt, false);
    double actMax = s == QuantScheme::FP8 ? 448.0 : 127.0;
    Value actScale;
    // Per-row (per-token) scales need the row to be the activation's only
    // non-reduced dimension.
    AffineMap lhsMap = op.getMatchingIndexingMap(lhsOperand);
    std::optional<unsigned> mAxis;
    if (dims->m.size() == 1)
      mAxis = lhsMap.getResultPosition(getAffineDimExpr(dims->m[0], ctx));
    if (s == QuantScheme::W8A8DynamicRow && (actType.getRank() != 2 || !mAxis))
      return keepFloat("per-row activation scales need a 2-D activation");
    if (groupScaled) {
      SchemeAttr ws = weightScheme;
      if (auto dq = weight.getDefiningOp<DequantizeOp>())
        ws = dq.getScheme();
      else if (auto fq = weight.getDefiningOp<FakeQuantOp>())
        ws = fq.getScheme();
      std::string why;
      if (failed(groupedActivationScale(
              b, loc, act, lhsMap.getResultPosition(getAffineDimExpr(dims->k[0], ctx)), ws,
              *kAxis, choice.groupSize, actMax, actScheme, actScale, why)))
        return keepFloat(why);
    } else if (s == QuantScheme::W8A8DynamicRow) {
      actScheme = SchemeAttr::get(ctx, StorageKind::i8, int64_t(*mAxis),
                                  std::nullopt, false);
      actScale = buildAbsMaxScale(b, loc, act, *mAxis, actMax);
    } else if (s == QuantScheme::W8A8Dynamic) {
      actScale = buildAbsMaxScale(b, loc, act, std::nullopt, actMax);
    } else if (failed(staticActivationScale(b, loc, op, c.name, choice, act,
                                            lhsMap.getResultPosition(
                                                getAffineDimExpr(dims->k[0], ctx)),
                                            existingObserver != nullptr, actMax, actScale,
                                            actFq))) {
      return failure();
    }
    if (actScale)
      actFq = FakeQuantOp::create(b, loc, actType, act, actScale, Value(), actScheme);
  }

  if (!weightDone)
    rhsOperand->set(FakeQuantOp::create(b, loc, weightType, weight, weightScale,
                                        weightZeroPoint, weightScheme));
  if (actFq) {
    lhsOperand->set(actFq);
    if (existingObserver && existingObserver->use_empty())
      existingObserver->erase();
  }
  quantized = true;
  return success();
}

} // namespace
