//===- GPTQ.cpp - Hessian-aware weight quantization -----------------------===//

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Dialect/QuantX/Utils/HostNumerics.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"
#include "WeightOnlyTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::quantx {
#define GEN_PASS_DEF_QUANTXGPTQ
#include "QuantOpt/Transforms/Passes.h.inc"
} // namespace mlir::quantx

using namespace mlir;
using namespace mlir::quantx;

namespace {

/// In-place lower Cholesky factor of the SPD matrix `a` (n x n, row-major);
/// fails if it is not positive definite.
LogicalResult cholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k)
      d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0))
      return failure();
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      double v = a[i * n + j];
      for (int64_t k = 0; k < j; ++k)
        v -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = v / d;
    }
    for (int64_t k = j + 1; k < n; ++k)
      a[j * n + k] = 0;
  }
  return success();
}

/// The upper Cholesky factor U of H^-1 (H^-1 = U^T U), as GPTQ uses it.
FailureOr<std::vector<double>> inverseCholeskyUpper(std::vector<double> h,
                                                    int64_t n) {
  if (failed(cholesky(h, n)))
    return failure();
  // H^-1 = L^-T L^-1: invert the lower factor, then multiply.
  std::vector<double> inv(n * n, 0.0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t i = c; i < n; ++i) {
      double v = i == c ? 1.0 : 0.0;
      for (int64_t k = c; k < i; ++k)
        v -= h[i * n + k] * inv[k * n + c];
      inv[i * n + c] = v / h[i * n + i];
    }
  std::vector<double> hinv(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      double v = 0;
      for (int64_t k = i; k < n; ++k)
        v += inv[k * n + i] * inv[k * n + j];
      hinv[i * n + j] = hinv[j * n + i] = v;
    }
  if (failed(cholesky(hinv, n)))
    return failure();
  // Upper factor = transpose of the lower one.
  std::vector<double> upper(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j <= i; ++j)
      upper[j * n + i] = hinv[i * n + j];
  return upper;
}

struct GPTQPass : quantx::impl::QuantXGPTQBase<GPTQPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto parsed = Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
    if (!parsed) {
      module.emitError() << llvm::toString(parsed.takeError());
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<ObserverStats>> byName =
        loadSecondMomentStats(module, stats, "GPTQ");
    if (failed(byName))
      return signalPassFailure();

    auto each = [&](Operation *op, StringRef name, const SchemeChoice &choice) {
      return quantize(cast<linalg::LinalgOp>(op), name, choice, *byName);
    };
    if (failed(forEachRecipeChoice(module, *parsed, each)))
      return signalPassFailure();
  }

  LogicalResult quantize(linalg::LinalgOp op, StringRef name,
                         const SchemeChoice &choice,
                         const llvm::StringMap<ObserverStats> &byName) {
    auto skip = [&](const Twine &why) {
      op->emitRemark() << "'" << name << "' not quantized by GPTQ: " << why;
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
    MLIRContext *ctx = op.getContext();
    int64_t K = t.k, N = t.n, group = t.group;
    bool grouped = t.format.grouped, transposed = t.transposed;
    double qmax = t.format.qmax;
    SchemeAttr wScheme =
        grouped ? SchemeAttr::get(ctx, t.format.storage, t.kAxis, group, false)
                : SchemeAttr::get(ctx, t.format.storage, t.nAxis, std::nullopt, false);
    auto at = [&](int64_t n, int64_t k) -> double & { return t.at(n, k); };
    // Hessian with dead channels fixed and dampening.
    std::vector<double> h = *t.secondMoment;
    double meanDiag = 0;
    for (int64_t j = 0; j < K; ++j)
      meanDiag += h[j * K + j] / double(K);
    for (int64_t j = 0; j < K; ++j)
      if (h[j * K + j] == 0) {
        h[j * K + j] = 1;
        for (int64_t n = 0; n < N; ++n)
          at(n, j) = 0;
      }
    for (int64_t j = 0; j < K; ++j)
      h[j * K + j] += damp * (meanDiag > 0 ? meanDiag : 1.0);
    FailureOr<std::vector<double>> upper = inverseCholeskyUpper(h, K);
    if (failed(upper))
      return skip("the input's second moment is not positive definite");

    int64_t groups = K / group;
    std::vector<float> scales(N * groups);
    std::vector<int32_t> zps(N * groups, 0);
    for (int64_t j = 0; j < K; ++j) {
      int64_t g = j / group;
      if (j % group == 0)
        for (int64_t n = 0; n < N; ++n) {
          double lo = 0, hi = 0;
          for (int64_t k = j; k < j + group; ++k) {
            lo = std::min(lo, at(n, k));
            hi = std::max(hi, at(n, k));
          }
          BlockParams p = computeBlockParams(wScheme, lo, hi, qmax);
          scales[n * groups + g] = p.scale;
          zps[n * groups + g] = p.zeroPoint;
        }
      double d = (*upper)[j * K + j];
      for (int64_t n = 0; n < N; ++n) {
        float scale = scales[n * groups + g];
        int32_t zp = zps[n * groups + g];
        double w = at(n, j);
        double q = hostDequantize(wScheme, hostQuantize(wScheme, float(w), scale, zp),
                                  scale, zp);
        double err = (w - q) / d;
        at(n, j) = q;
        for (int64_t k = j + 1; k < K; ++k)
          at(n, k) -= err * (*upper)[j * K + k];
      }
    }

    // The weight on the grid, fake-quantized with the scales GPTQ used.
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<float> gridValues(t.values.begin(), t.values.end());
    auto wType = cast<RankedTensorType>(t.weight.getType());
    auto weight = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(wType, ArrayRef<float>(gridValues)));
    SmallVector<int64_t> paramShape;
    SmallVector<float> paramScales;
    SmallVector<APInt> paramZps;
    if (grouped) {
      // Scale tensor in the weight's layout: dimension kAxis holds groups.
      paramShape = transposed ? SmallVector<int64_t>{groups, N}
                              : SmallVector<int64_t>{N, groups};
      for (int64_t a = 0; a < paramShape[0]; ++a)
        for (int64_t c = 0; c < paramShape[1]; ++c) {
          int64_t n = transposed ? c : a, g = transposed ? a : c;
          paramScales.push_back(scales[n * groups + g]);
          paramZps.push_back(APInt(4, uint64_t(zps[n * groups + g]), false, true));
        }
    } else {
      paramShape = {N};
      paramScales.assign(scales.begin(), scales.end());
    }
    auto scaleType = RankedTensorType::get(paramShape, b.getF32Type());
    Value scaleConst = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(paramScales)));
    Value zpConst;
    if (wScheme.isUnsigned())
      zpConst = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(scaleType.clone(b.getIntegerType(4)), paramZps));
    Value fq = FakeQuantOp::create(b, loc, wType, weight, scaleConst, zpConst, wScheme);
    op.getDpsInputOperand(1)->set(fq);
    ++numQuantized;
    return success();
  }
};

} // namespace
