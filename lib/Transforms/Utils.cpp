//===- Utils.cpp - helpers shared by the quant-opt transforms -------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Utils.h"
#include "QuantOpt/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"

using namespace mlir;

std::optional<std::vector<double>> mlir::quantx::getConstantFloatValues(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  std::vector<double> values;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    values.reserve(dense.getNumElements());
    for (APFloat f : dense.getValues<APFloat>())
      values.push_back(f.convertToDouble());
    return values;
  }
  if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(attr))
    if (std::optional<ArrayRef<float>> data = blob.tryGetAsArrayRef())
      return std::vector<double>(data->begin(), data->end());
  return std::nullopt;
}

static std::string nameFromLoc(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string s = nameFromLoc(l); !s.empty())
        return s;
  if (auto c = dyn_cast<CallSiteLoc>(loc))
    return nameFromLoc(c.getCallee());
  return "";
}

std::string mlir::quantx::nameMatmulLikeOp(Operation *op,
                                           llvm::StringMap<int64_t> &counters) {
  auto func = op->getParentOfType<FunctionOpInterface>();
  std::string fn = func ? func.getName().str() : "";
  int64_t index = counters[fn]++;
  std::string name = nameFromLoc(op->getLoc());
  if (name.empty()) {
    StringRef kind = op->getName().getStringRef();
    if (auto source = op->getAttrOfType<StringAttr>(kSourceOpAttr))
      kind = source.getValue();
    kind = kind.substr(kind.find('.') + 1);
    name = fn + "." + kind.str() + "." + std::to_string(index);
  }
  // Names identify observers and statistics: inlined copies of a layer
  // share a location name, so later ones get a suffix.
  int64_t seen = counters["\x01name:" + name]++;
  return seen == 0 ? name : name + "#" + std::to_string(seen);
}

bool mlir::quantx::isMatmulLike(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInputs() != 2 || linalgOp.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(linalgOp))
    return false;
  // quantx quantizes f32/f16/bf16 models; integer and f64 contractions are
  // not candidates.
  return llvm::all_of(op->getOperandTypes(), [](Type t) {
    Type e = getElementTypeOrSelf(t);
    return e.isF32() || e.isF16() || e.isBF16();
  });
}

std::optional<std::vector<double>> mlir::quantx::getConstantScaleValues(Value v) {
  if (std::optional<std::vector<double>> direct = getConstantFloatValues(v))
    return direct;
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq)
    return std::nullopt;
  DenseIntElementsAttr codes, zps;
  std::optional<std::vector<double>> scales = getConstantFloatValues(dq.getScale());
  if (!scales || !matchPattern(dq.getInput(), m_Constant(&codes)) ||
      (dq.getZeroPoint() && !matchPattern(dq.getZeroPoint(), m_Constant(&zps))))
    return std::nullopt;
  SchemeAttr s = dq.getScheme();
  auto shape = dq.getInput().getType().getShape();
  if (!s.isPerTensor() && !s.isGrouped() && shape.size() != 1)
    return std::nullopt; // per channel on a higher rank: not needed here
  std::vector<int32_t> zp;
  if (zps)
    for (APInt z : zps.getValues<APInt>())
      zp.push_back(s.isUnsigned() ? int32_t(z.getZExtValue()) : int32_t(z.getSExtValue()));
  std::vector<double> out;
  SmallVector<int64_t> idx(shape.size(), 0);
  for (APInt c : codes.getValues<APInt>()) {
    int64_t slot = 0;
    if (s.isPerChannel()) {
      slot = idx[*s.getAxis()];
    } else if (s.isGrouped()) {
      for (size_t d = 0; d < shape.size(); ++d) {
        bool g = int64_t(d) == *s.getAxis();
        slot = slot * (g ? shape[d] / *s.getGroupSize() : shape[d]) +
               (g ? idx[d] / *s.getGroupSize() : idx[d]);
      }
    }
    int32_t z = zp.empty() ? 0 : zp[slot];
    out.push_back(hostDequantize(s, uint8_t(c.getZExtValue()), float((*scales)[slot]), z));
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

mlir::quantx::BlockParams mlir::quantx::computeBlockParams(SchemeAttr scheme, double lo,
                                             double hi, double qmax) {
  constexpr double kMinScale = 1.1920928955078125e-07;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (!scheme.isUnsigned())
    return {float(std::max(std::max(-lo, hi) / qmax, kMinScale)), 0};
  int64_t qmin = scheme.getQuantMin(), qmaxU = scheme.getQuantMax();
  float s = float(std::max((hi - lo) / double(qmaxU - qmin), kMinScale));
  double zp = std::clamp(double(qmin) - std::nearbyint(lo / s), double(qmin),
                         double(qmaxU));
  return {s, int32_t(zp)};
}

std::vector<mlir::quantx::MatmulSite> mlir::quantx::collectMatmulSites(Operation *module) {
  std::vector<MatmulSite> sites;
  llvm::StringMap<int64_t> counters;
  module->walk([&](Operation *op) {
    if (!isMatmulLike(op) || op->hasAttr(kLoRAAttr))
      return;
    auto func = op->getParentOfType<FunctionOpInterface>();
    sites.push_back({op, nameMatmulLikeOp(op, counters),
                     func ? func.getName().str() : "", int64_t(sites.size()), 0});
  });
  for (MatmulSite &s : sites)
    s.count = int64_t(sites.size());
  return sites;
}

FailureOr<llvm::StringMap<mlir::quantx::ObserverStats>>
mlir::quantx::loadStatsByName(Operation *errorAt, llvm::StringRef path) {
  auto loaded = readStatsFile(path);
  if (!loaded) {
    errorAt->emitError() << llvm::toString(loaded.takeError());
    return failure();
  }
  llvm::StringMap<ObserverStats> byName;
  for (ObserverStats &s : *loaded)
    byName[s.name] = std::move(s);
  return byName;
}

std::optional<mlir::quantx::WeightOnlyFormat>
mlir::quantx::getWeightOnlyFormat(QuantScheme scheme) {
  switch (scheme) {
  case QuantScheme::W8A16:
    return WeightOnlyFormat{StorageKind::i8, 127.0, false};
  case QuantScheme::W8A16Group:
    return WeightOnlyFormat{StorageKind::i8, 127.0, true};
  case QuantScheme::W4A16:
    return WeightOnlyFormat{StorageKind::i4, 7.0, true};
  case QuantScheme::W4A16Asym:
    return WeightOnlyFormat{StorageKind::u4, 7.0, true};
  case QuantScheme::W4A16NF4:
    return WeightOnlyFormat{StorageKind::nf4, 1.0, true};
  case QuantScheme::W8A16FP8:
    return WeightOnlyFormat{StorageKind::f8E4M3FN, 448.0, false};
  default:
    return std::nullopt;
  }
}

std::optional<mlir::quantx::WeightOnlyFormat>
mlir::quantx::getWeightFormat(QuantScheme scheme, bool &activations) {
  activations = false;
  if (scheme == QuantScheme::W4A16NF4DQ)
    return getWeightOnlyFormat(QuantScheme::W4A16NF4);
  if (std::optional<WeightOnlyFormat> format = getWeightOnlyFormat(scheme))
    return format;
  switch (scheme) {
  case QuantScheme::W8A8:
  case QuantScheme::W8A8Dynamic:
  case QuantScheme::W8A8DynamicRow:
  case QuantScheme::W8A8DynamicGroup:
    activations = true;
    return WeightOnlyFormat{StorageKind::i8, 127.0, false};
  case QuantScheme::W4A8Dynamic:
    activations = true;
    return WeightOnlyFormat{StorageKind::i4, 7.0, true};
  case QuantScheme::FP8:
    activations = true;
    return WeightOnlyFormat{StorageKind::f8E4M3FN, 448.0, false};
  default:
    return std::nullopt;
  }
}

LogicalResult mlir::quantx::forEachRecipeChoice(
    Operation *module, const Recipe &recipe,
    llvm::function_ref<LogicalResult(Operation *, llvm::StringRef,
                                     const SchemeChoice &)>
        fn) {
  for (const MatmulSite &site : collectMatmulSites(module)) {
    OpSite opSite{site.op->getName().getStringRef(), site.function, site.name,
                  site.index, site.count};
    if (failed(fn(site.op, site.name, recipe.choose(opSite))))
      return failure();
  }
  return success();
}

FailureOr<llvm::StringMap<mlir::quantx::ObserverStats>>
mlir::quantx::loadSecondMomentStats(Operation *errorAt, llvm::StringRef path,
                                    llvm::StringRef algorithm) {
  if (path.empty()) {
    errorAt->emitError() << algorithm
                         << " needs calibration statistics with second "
                            "moments: run quant-calibrate --second-moments and "
                            "pass stats=FILE";
    return failure();
  }
  return loadStatsByName(errorAt, path);
}

FailureOr<mlir::quantx::PlainMatmul> mlir::quantx::matchPlainMatmul(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return failure();
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims) || !dims->batch.empty() || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1 || op.getNumLoops() != 3)
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(dims->m[0], ctx), n = getAffineDimExpr(dims->n[0], ctx),
             k = getAffineDimExpr(dims->k[0], ctx);
  PlainMatmul p{op.getDpsInputOperand(0), op.getDpsInputOperand(1),
                op.getDpsInitOperand(0), false};
  if (op.getMatchingIndexingMap(p.lhs).getResults() != ArrayRef<AffineExpr>{m, k} ||
      op.getMatchingIndexingMap(p.out).getResults() != ArrayRef<AffineExpr>{m, n})
    return failure();
  ArrayRef<AffineExpr> rhsExprs = op.getMatchingIndexingMap(p.rhs).getResults();
  if (rhsExprs == ArrayRef<AffineExpr>{k, n})
    p.transposed = true;
  else if (rhsExprs != ArrayRef<AffineExpr>{n, k})
    return failure();
  // Only a zero accumulator: quantx.matmul computes a fresh product.
  auto fill = p.out->get().getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return failure();
  return p;
}

const mlir::quantx::ObserverStats *
mlir::quantx::findInputStats(const llvm::StringMap<mlir::quantx::ObserverStats> &byName,
                             llvm::StringRef opName) {
  auto it = byName.find((opName + ".input").str());
  if (it != byName.end())
    return &it->second;
  auto [base, occurrence] = opName.rsplit('#');
  unsigned k;
  if (occurrence.empty() || occurrence.getAsInteger(10, k))
    return nullptr;
  it = byName.find((base + ".input").str());
  return it == byName.end() ? nullptr : &it->second;
}
