//===- SmoothQuant.cpp - migrate activation outliers into weights ---------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Transforms/Utils.h"
#include "ChannelScaling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXSMOOTHQUANT
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

struct SmoothQuantPass
    : quantx::impl::QuantXSmoothQuantBase<SmoothQuantPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (stats.empty()) {
      mlir::emitError(module.getLoc()) << "SmoothQuant needs calibration statistics: pass "
                            "stats=FILE from quant-calibrate";
      return signalPassFailure();
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      mlir::emitError(module.getLoc()) << "alpha must be in [0, 1], got " << alpha;
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<ObserverStats>> byName =
        loadStatsByName(module, stats);
    if (failed(byName))
      return signalPassFailure();

    for (const MatmulSite &site : collectMatmulSites(module))
      smooth(cast<linalg::LinalgOp>(site.op), site.name, *byName);
  }

  void smooth(linalg::LinalgOp op, StringRef name,
              const llvm::StringMap<ObserverStats> &byName) {
    auto skip = [&](const Twine &why) {
      op->emitRemark() << "'" << name << "' not smoothed: " << why;
    };
    const ObserverStats *found = findInputStats(byName, name);
    if (!found || found->channelMax.empty())
      return skip("no per-channel statistics for its input");
    const ObserverStats &st = *found;
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
    if (failed(dims) || dims->k.size() != 1 || !dims->batch.empty())
      return skip("not a plain matmul");
    OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
    std::optional<int64_t> kAct = position(op.getMatchingIndexingMap(lhs), dims->k[0]);
    std::optional<int64_t> kW = position(op.getMatchingIndexingMap(rhs), dims->k[0]);
    auto weight = rhs->get().getDefiningOp<arith::ConstantOp>();
    if (!kAct || !kW || !weight || !isa<DenseFPElementsAttr>(weight.getValue()) ||
        !weight->hasOneUse())
      return skip("its weight is not a constant of its own");
    auto wAttr = cast<DenseFPElementsAttr>(weight.getValue());
    ArrayRef<int64_t> wShape = wAttr.getType().getShape();
    int64_t channels = wShape[*kW];
    if (int64_t(st.channelMax.size()) != channels)
      return skip("the statistics have " + Twine(st.channelMax.size()) +
                  " channels, the weight " + Twine(channels));

    // max |W_:,j| per input channel j.
    std::vector<double> wMax(channels, 0.0);
    SmallVector<int64_t> idx(wShape.size(), 0);
    for (APFloat v : wAttr.getValues<APFloat>()) {
      wMax[idx[*kW]] = std::max(wMax[idx[*kW]], std::fabs(v.convertToDouble()));
      for (int64_t d = int64_t(wShape.size()) - 1; d >= 0; --d) {
        if (++idx[d] < wShape[d])
          break;
        idx[d] = 0;
      }
    }
    std::vector<double> s(channels), inv(channels);
    for (int64_t j = 0; j < channels; ++j) {
      double f = smoothQuantFactor(std::max(-st.channelMin[j], st.channelMax[j]), wMax[j],
                                   alpha);
      s[j] = f;
      inv[j] = 1.0 / f;
    }

    std::string why;
    FailureOr<SmallVector<ScaledConstant>> producers =
        producerConstants(lhs->get(), *kAct, why);
    if (failed(producers))
      return skip(why);
    for (ScaledConstant c : *producers)
      rescale(c, inv);
    rescale({weight, *kW}, s);
    SmallVector<float> factors(s.begin(), s.end());
    op->setAttr(kSmoothAttr,
                DenseElementsAttr::get(
                    RankedTensorType::get({channels}, Float32Type::get(&getContext())),
                    ArrayRef<float>(factors)));
    ++numSmoothed;
  }
};

} // namespace
