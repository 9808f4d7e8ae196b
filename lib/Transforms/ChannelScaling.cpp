//===- ChannelScaling.cpp - fold per-channel scales into producers --------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "ChannelScaling.h"

#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::quantx;

namespace {
bool isZeroFilled(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}
} // namespace


/// Position of loop dimension `d` among `map`'s results.
std::optional<int64_t> mlir::quantx::position(AffineMap map, unsigned d) {
  if (auto p = map.getResultPosition(getAffineDimExpr(d, map.getContext())))
    return *p;
  return std::nullopt;
}


double mlir::quantx::smoothQuantFactor(double xMax, double wMax, double alpha) {
  double f = 1.0;
  if (xMax > 0 && wMax > 0)
    f = std::pow(xMax, alpha) / std::pow(wMax, 1.0 - alpha);
  return std::clamp(std::isfinite(f) ? f : 1.0, 1e-5, 1e5);
}

/// Multiplies the slices of a constant along `axis` by `factors`.
void mlir::quantx::rescale(ScaledConstant c, ArrayRef<double> factors) {
  auto attr = cast<DenseFPElementsAttr>(c.op.getValue());
  auto type = cast<RankedTensorType>(attr.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<APFloat> values(attr.getValues<APFloat>());
  SmallVector<int64_t> idx(shape.size(), 0);
  for (APFloat &v : values) {
    bool lost;
    APFloat f(factors[idx[c.axis]]);
    f.convert(v.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    v.multiply(f, APFloat::rmNearestTiesToEven);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  c.op.setValueAttr(DenseElementsAttr::get(type, values));
}

/// The constants to divide by s along the channel when `x` (whose channel
/// is dimension `channel`) is the output of a chain of channel-commuting
/// elementwise ops on a matmul-like op with a constant weight; fails with
/// the reason otherwise.
FailureOr<SmallVector<ScaledConstant>>
mlir::quantx::producerConstants(Value x, int64_t channel, std::string &why) {
  SmallVector<ScaledConstant> out;
  while (true) {
    Operation *def = x.getDefiningOp();
    auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(def);
    if (!linalgOp || linalgOp->getNumResults() != 1) {
      why = "the input is not computed by a matmul and elementwise ops "
            "(e.g. it is a function argument)";
      return failure();
    }
    if (!x.hasOneUse()) {
      why = "the input has other users, which would see scaled values";
      return failure();
    }
    if (isMatmulLike(def)) {
      FailureOr<linalg::ContractionDimensions> dims =
          linalg::inferContractionDims(linalgOp);
      OpOperand *w = linalgOp.getDpsInputOperand(1);
      AffineMap outMap = linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
      auto weight = w->get().getDefiningOp<arith::ConstantOp>();
      if (failed(dims) || dims->n.size() != 1 || !weight ||
          !isa<DenseFPElementsAttr>(weight.getValue()) ||
          position(outMap, dims->n[0]) != channel ||
          !isZeroFilled(linalgOp.getDpsInitOperand(0)->get())) {
        why = "the producing matmul has no constant weight, a non-zero "
              "accumulator, or a different channel layout";
        return failure();
      }
      std::optional<int64_t> nPos =
          position(linalgOp.getMatchingIndexingMap(w), dims->n[0]);
      if (!nPos || !weight->hasOneUse()) {
        why = "the producing matmul's weight is shared or not indexed by "
              "its output channel";
        return failure();
      }
      out.push_back({weight, *nPos});
      return out;
    }
    // An elementwise generic: every loop parallel, identity maps on the
    // path, other operands constants indexed by the channel alone or scalars.
    auto generic = dyn_cast<linalg::GenericOp>(def);
    if (!generic || generic.getNumReductionLoops() != 0 ||
        generic.getNumDpsInits() != 1 ||
        !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)).isIdentity()) {
      why = "an op between the producing matmul and this one is not elementwise";
      return failure();
    }
    Value pathIn;
    Block &body = generic.getRegion().front();
    BlockArgument pathArg;
    DenseMap<Value, ScaledConstant> perChannel; // block arg -> constant
    for (OpOperand *in : generic.getDpsInputOperands()) {
      AffineMap map = generic.getMatchingIndexingMap(in);
      BlockArgument arg = body.getArgument(in->getOperandNumber());
      if (map.isIdentity() && !pathIn) {
        pathIn = in->get();
        pathArg = arg;
        continue;
      }
      auto cst = in->get().getDefiningOp<arith::ConstantOp>();
      if (!cst || !isa<DenseFPElementsAttr>(cst.getValue()) ||
          map.getNumResults() != 1 || position(map, channel) != 0 ||
          !cst->hasOneUse() || !arg.hasOneUse()) {
        why = "an elementwise op reads something other than a per-channel "
              "constant used once";
        return failure();
      }
      perChannel[arg] = {cst, 0};
    }
    if (!pathIn) {
      why = "no elementwise operand continues the path";
      return failure();
    }
    // Scaling the path value by 1/s commutes with: adding or subtracting a
    // per-channel constant (scaled too), multiplying by one, and max(., 0).
    // Every op must take exactly one path value; nothing else may be read.
    DenseSet<Value> path{pathArg};
    for (Operation &op : body.without_terminator()) {
      if (op.getNumOperands() != 2 || op.getNumResults() != 1) {
        why = "elementwise op '" + op.getName().getStringRef().str() +
              "' does not commute with per-channel scaling";
        return failure();
      }
      Value a = op.getOperand(0), b = op.getOperand(1);
      bool aPath = path.contains(a), bPath = path.contains(b);
      Value other = aPath ? b : a;
      bool ok = aPath != bPath;
      if (ok && isa<arith::AddFOp, arith::SubFOp>(op)) {
        auto it = perChannel.find(other);
        ok = it != perChannel.end();
        if (ok)
          out.push_back(it->second);
      } else if (ok && isa<arith::MulFOp>(op)) {
        ok = perChannel.count(other);
      } else if (ok && isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) {
        ok = matchPattern(other, m_AnyZeroFloat());
      } else {
        ok = false;
      }
      if (!ok) {
        why = "elementwise op '" + op.getName().getStringRef().str() +
              "' does not commute with per-channel scaling";
        return failure();
      }
      path.insert(op.getResult(0));
    }
    if (!path.contains(body.getTerminator()->getOperand(0))) {
      why = "the elementwise op does not yield the scaled value";
      return failure();
    }
    x = pathIn;
  }
}

