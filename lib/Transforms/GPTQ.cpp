//===- GPTQ.cpp - Hessian-aware weight quantization -----------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "QuantOpt/Transforms/Passes.h"

#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Support/Progress.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "QuantOpt/Transforms/Utils.h"
#include "GPTQSolver.h"
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

struct GPTQPass : quantx::impl::QuantXGPTQBase<GPTQPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto parsed = Recipe::fromOptions(recipe, scheme, groupSize, skipFirst, skipLast);
    if (!parsed) {
      mlir::emitError(module.getLoc()) << llvm::toString(parsed.takeError());
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<ObserverStats>> byName =
        loadSecondMomentStats(module, stats, "GPTQ");
    if (failed(byName))
      return signalPassFailure();

    Progress lines("quant-opt", "GPTQ layer", int64_t(collectMatmulSites(module).size()),
                   progress);
    int64_t done = 0;
    auto each = [&](Operation *op, StringRef name, const SchemeChoice &choice) {
      LogicalResult result = quantize(cast<linalg::LinalgOp>(op), name, choice, *byName);
      lines.step(++done);
      return result;
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
    // The weight as N x K rows for the solver, and back.
    std::vector<double> w(N * K);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        w[n * K + k] = t.at(n, k);
    FailureOr<std::vector<double>> upper =
        gptqInverseFactor(ctx, *t.secondMoment, K, damp, w.data(), N);
    if (failed(upper))
      return skip("the input's second moment is not positive definite");
    int64_t groups = K / group;
    std::vector<float> scales;
    std::vector<int32_t> zps;
    gptqQuantize(ctx, wScheme, qmax, group, w.data(), N, K, *upper, scales, zps);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        t.at(n, k) = w[n * K + k];

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
