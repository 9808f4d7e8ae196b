//===- AWQ.cpp - activation-aware per-channel weight scaling --------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "ChannelScaling.h"
#include "ParameterScaling.h"
#include "WeightOnlyTarget.h"
#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Support/Progress.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXAWQ
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

struct AWQPass : quantx::impl::QuantXAWQBase<AWQPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto parsed = Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
    if (!parsed) {
      mlir::emitError(module.getLoc()) << llvm::toString(parsed.takeError());
      return signalPassFailure();
    }
    if (grid < 1) {
      mlir::emitError(module.getLoc()) << "grid must be at least 1, got " << int64_t(grid);
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<ObserverStats>> byName =
        loadSecondMomentStats(module, stats, "AWQ");
    if (failed(byName))
      return signalPassFailure();

    Progress lines("quant-opt", "AWQ layer", int64_t(collectMatmulSites(module).size()),
                   progress);
    int64_t done = 0;
    auto each = [&](Operation *op, StringRef name, const SchemeChoice &choice) {
      LogicalResult result = scaleOp(cast<linalg::LinalgOp>(op), name, choice, *byName);
      lines.step(++done);
      return result;
    };
    if (failed(forEachRecipeChoice(module, *parsed, each)))
      return signalPassFailure();
  }

  LogicalResult scaleOp(linalg::LinalgOp op, StringRef name,
                        const SchemeChoice &choice,
                        const llvm::StringMap<ObserverStats> &byName) {
    auto skip = [&](const Twine &why) {
      op->emitRemark() << "'" << name << "' not scaled by AWQ: " << why;
      return success();
    };
    std::string why;
    FailureOr<std::optional<WeightOnlyTarget>> analyzed =
        analyzeWeightOnlyTarget(op, name, choice, byName, why);
    if (failed(analyzed))
      return failure();
    if (!*analyzed)
      return why.empty() ? success() : skip(why);
    WeightOnlyTarget &t = **analyzed;
    // The weight is rescaled in place: it must not be shared.
    if (!t.weight->hasOneUse())
      return skip("its weight constant is shared with other ops");
    MLIRContext *ctx = op.getContext();
    int64_t K = t.k, N = t.n, group = t.group;
    const std::vector<double> &h = *t.secondMoment;
    double qmax = t.format.qmax;
    auto wScheme = SchemeAttr::get(ctx, t.format.storage, int64_t(1), group, false);
    // The weight as N x K rows for the shared error measure.
    std::vector<float> rowsNK(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        rowsNK[n * K + k] = float(t.at(n, k));

    // Expected output error of quantizing W scaled by s (then unscaled).
    std::vector<double> rms(K);
    for (int64_t j = 0; j < K; ++j)
      rms[j] = std::sqrt(std::max(h[j * K + j], 0.0));
    auto errorFor = [&](ArrayRef<double> sc) {
      return scaledQuantizationError(ctx, wScheme, qmax, rowsNK, N, K, sc, h);
    };
    auto scalesFor = [&](double alpha) { return awqScales(rms, alpha); };
    double bestAlpha = 0, bestError = errorFor(std::vector<double>(K, 1.0));
    for (int64_t step = 1; step <= grid; ++step) {
      double alpha = double(step) / double(grid);
      double err = errorFor(scalesFor(alpha));
      if (err < bestError) {
        bestError = err;
        bestAlpha = alpha;
      }
    }
    if (bestAlpha == 0)
      return skip("no scaling beats round-to-nearest on the calibration data");

    FailureOr<SmallVector<ScaledConstant>> producers =
        producerConstants(op.getDpsInputOperand(0)->get(), t.inputKAxis, why);
    if (failed(producers))
      return skip(why);
    std::vector<double> sc = scalesFor(bestAlpha), inv(K);
    for (int64_t j = 0; j < K; ++j)
      inv[j] = 1.0 / sc[j];
    for (ScaledConstant c : *producers)
      rescale(c, inv);
    rescale({t.weight, t.kAxis}, sc);
    op->setAttr("quantx.awq_alpha", FloatAttr::get(Float64Type::get(ctx), bestAlpha));
    ++numScaled;
    return success();
  }
};

} // namespace
