//===- AWQ.cpp - activation-aware per-channel weight scaling --------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "ChannelScaling.h"
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
      module.emitError() << "grid must be at least 1, got " << grid;
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
    std::optional<WeightOnlyFormat> format = getWeightOnlyFormat(choice.scheme);
    if (!format)
      return success(); // float, activation-quantizing or FP8 schemes
    MLIRContext *ctx = op.getContext();
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
    if (failed(dims) || dims->n.size() != 1 || dims->k.size() != 1 ||
        !dims->batch.empty())
      return skip("not a plain matmul");
    OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
    std::optional<int64_t> kAct = position(op.getMatchingIndexingMap(lhs), dims->k[0]);
    std::optional<int64_t> kW = position(op.getMatchingIndexingMap(rhs), dims->k[0]);
    std::optional<int64_t> nW = position(op.getMatchingIndexingMap(rhs), dims->n[0]);
    auto weight = rhs->get().getDefiningOp<arith::ConstantOp>();
    auto wType = cast<RankedTensorType>(rhs->get().getType());
    std::optional<std::vector<double>> values =
        weight ? getConstantFloatValues(weight) : std::nullopt;
    if (!kAct || !kW || !nW || !values || wType.getRank() != 2 ||
        !weight->hasOneUse())
      return skip("the weight is not a rank-2 constant of its own");
    int64_t K = wType.getDimSize(*kW), N = wType.getDimSize(*nW);
    if (llvm::any_of(*values, [](double v) { return !std::isfinite(v); }))
      return skip("the weight has NaN or infinite values");
    auto it = byName.find((name + ".input").str());
    if (it == byName.end() || it->second.secondMoment.size() != size_t(K * K))
      return skip("no second moment of its input in the statistics "
                  "(quant-calibrate --second-moments)");
    const std::vector<double> &h = it->second.secondMoment;

    bool grouped = format->grouped;
    int64_t group = grouped ? choice.groupSize : K;
    if (K % group != 0)
      return op->emitError() << "'" << name << "': group size " << group
                             << " (from " << choice.origin
                             << ") does not divide the reduction dimension of "
                                "size " << K;
    StorageKind storage = format->storage;
    double qmax = format->qmax;
    auto wScheme = SchemeAttr::get(ctx, storage, int64_t(1), group, false);
    bool transposed = *kW == 0;
    auto at = [&](int64_t n, int64_t k) {
      return (*values)[transposed ? k * N + n : n * K + k];
    };

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

    std::string why;
    FailureOr<SmallVector<ScaledConstant>> producers =
        producerConstants(lhs->get(), *kAct, why);
    if (failed(producers))
      return skip(why);
    std::vector<double> sc = scalesFor(bestAlpha), inv(K);
    for (int64_t j = 0; j < K; ++j)
      inv[j] = 1.0 / sc[j];
    for (ScaledConstant c : *producers)
      rescale(c, inv);
    rescale({weight, *kW}, sc);
    op->setAttr("quantx.awq_alpha", FloatAttr::get(Float64Type::get(ctx), bestAlpha));
    ++numScaled;
    return success();
  }
};

} // namespace
