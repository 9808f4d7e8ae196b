//===- AWQ.cpp - activation-aware per-channel weight scaling --------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "ChannelScaling.h"
#include "WeightOnlyTarget.h"
#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Dialect/QuantX/Utils/HostNumerics.h"
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
      module.emitError() << llvm::toString(parsed.takeError());
      return signalPassFailure();
    }
    if (grid < 1) {
      module.emitError() << "grid must be at least 1, got " << int64_t(grid);
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<ObserverStats>> byName =
        loadSecondMomentStats(module, stats, "AWQ");
    if (failed(byName))
      return signalPassFailure();

    auto each = [&](Operation *op, StringRef name, const SchemeChoice &choice) {
      return scaleOp(cast<linalg::LinalgOp>(op), name, choice, *byName);
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
    auto at = [&](int64_t n, int64_t k) { return t.at(n, k); };

    // Expected output error of quantizing W scaled by s (then unscaled).
    std::vector<double> rms(K);
    for (int64_t j = 0; j < K; ++j)
      rms[j] = std::sqrt(std::max(h[j * K + j], 0.0));
    auto errorFor = [&](ArrayRef<double> sc) {
      double total = 0;
      std::vector<double> delta(K);
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t g = 0; g < K; g += group) {
          double lo = 0, hi = 0;
          for (int64_t k = g; k < g + group; ++k) {
            lo = std::min(lo, at(n, k) * sc[k]);
            hi = std::max(hi, at(n, k) * sc[k]);
          }
          BlockParams p = computeBlockParams(wScheme, lo, hi, qmax);
          for (int64_t k = g; k < g + group; ++k) {
            float ws = float(at(n, k) * sc[k]);
            double q = hostDequantize(wScheme, hostQuantize(wScheme, ws, p.scale, p.zeroPoint),
                                      p.scale, p.zeroPoint);
            delta[k] = q / sc[k] - at(n, k);
          }
        }
        for (int64_t i = 0; i < K; ++i) {
          if (delta[i] == 0)
            continue;
          double row = 0;
          for (int64_t j = 0; j < K; ++j)
            row += h[i * K + j] * delta[j];
          total += delta[i] * row;
        }
      }
      return total;
    };
    auto scalesFor = [&](double alpha) {
      std::vector<double> sc(K, 1.0);
      double mx = 0, mn = std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < K; ++j) {
        sc[j] = std::pow(std::max(rms[j], 1e-8), alpha);
        mx = std::max(mx, sc[j]);
        mn = std::min(mn, sc[j]);
      }
      double norm = std::sqrt(mx * mn);
      for (double &v : sc)
        v = std::clamp(v / norm, 1e-4, 1e4);
      return sc;
    };
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
