//===- ParameterScaling.cpp - AWQ scaling through norm gains --------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "ParameterScaling.h"

#include "QuantOpt/Dialect/QuantX/Numerics/HostNumerics.h"
#include "QuantOpt/Params/ParameterGlobals.h"
#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Threading.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::quantx;

std::optional<ScaleSource> mlir::quantx::matchScaleSource(Value x, int64_t channel) {
  auto generic = x.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic->getNumResults() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0 ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)).isIdentity() ||
      channel >= generic.getNumLoops())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto mul = body.getTerminator()->getOperand(0).getDefiningOp<arith::MulFOp>();
  if (!mul)
    return std::nullopt;
  // One factor is a block argument (possibly widened) used only here: the
  // other factor cannot depend on it.
  for (Value factor : mul->getOperands()) {
    Value arg = factor;
    if (auto ext = factor.getDefiningOp<arith::ExtFOp>()) {
      if (!ext->hasOneUse())
        continue;
      arg = ext.getIn();
    }
    auto blockArg = dyn_cast<BlockArgument>(arg);
    if (!blockArg || blockArg.getOwner() != &body || !blockArg.hasOneUse() ||
        blockArg.getArgNumber() >= generic.getNumDpsInputs())
      continue;
    OpOperand *operand = generic.getDpsInputOperand(blockArg.getArgNumber());
    AffineMap map = generic.getMatchingIndexingMap(operand);
    Value v = operand->get();
    if (map.getNumResults() == 1 &&
        map.getResult(0) == getAffineDimExpr(channel, generic.getContext())) {
      ml_program::GlobalOp gain = getLoadedParameter(v);
      if (gain && cast<ShapedType>(gain.getType()).getRank() == 1)
        return ScaleSource{generic, gain, true};
      continue;
    }
    auto producer = v.getDefiningOp<linalg::LinalgOp>();
    if (!map.isIdentity() || !producer || !v.hasOneUse() || channel != 1)
      continue;
    FailureOr<PlainMatmul> plain = matchPlainMatmul(producer);
    if (failed(plain))
      continue;
    if (ml_program::GlobalOp weight = getLoadedParameter(plain->rhs->get()))
      return ScaleSource{generic, weight, false};
  }
  return std::nullopt;
}

std::vector<double> mlir::quantx::awqScales(ArrayRef<double> rms, double alpha) {
  std::vector<double> s(rms.size(), 1.0);
  double mx = 0, mn = std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < rms.size(); ++j) {
    s[j] = std::pow(std::max(rms[j], 1e-8), alpha);
    mx = std::max(mx, s[j]);
    mn = std::min(mn, s[j]);
  }
  double norm = std::sqrt(mx * mn);
  for (double &v : s)
    v = std::clamp(v / norm, 1e-4, 1e4);
  return s;
}

double mlir::quantx::scaledQuantizationError(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                                             ArrayRef<float> w, int64_t N, int64_t K,
                                             ArrayRef<double> s, ArrayRef<double> h,
                                             int64_t rowStep) {
  int64_t group = scheme.isGrouped() ? *scheme.getGroupSize() : K;
  rowStep = std::max<int64_t>(rowStep, 1);
  int64_t rows = (N + rowStep - 1) / rowStep;
  std::vector<double> perRow(rows, 0.0);
  parallelFor(ctx, 0, rows, [&](int64_t r) {
    int64_t n = r * rowStep;
    const float *row = w.data() + n * K;
    std::vector<double> delta(K);
    for (int64_t g = 0; g < K; g += group) {
      double lo = 0, hi = 0;
      for (int64_t k = g; k < g + group; ++k) {
        lo = std::min(lo, row[k] * s[k]);
        hi = std::max(hi, row[k] * s[k]);
      }
      BlockParams p = computeBlockParams(scheme, lo, hi, qmax);
      for (int64_t k = g; k < g + group; ++k) {
        float scaled = float(row[k] * s[k]);
        double q = hostDequantize(scheme, hostQuantize(scheme, scaled, p.scale, p.zeroPoint),
                                  p.scale, p.zeroPoint);
        delta[k] = q / s[k] - row[k];
      }
    }
    double total = 0;
    for (int64_t i = 0; i < K; ++i) {
      if (delta[i] == 0)
        continue;
      const double *hi = h.data() + i * K;
      double dot = 0;
      for (int64_t j = 0; j < K; ++j)
        dot += hi[j] * delta[j];
      total += delta[i] * dot;
    }
    perRow[r] = total;
  });
  double sum = 0;
  for (double v : perRow)
    sum += v;
  return sum * double(N) / double(rows);
}

std::vector<float> mlir::quantx::searchClipRatios(MLIRContext *ctx, SchemeAttr scheme,
                                                  double qmax, ArrayRef<float> w, int64_t N,
                                                  int64_t K, ArrayRef<double> h, int64_t steps,
                                                  double minRatio) {
  int64_t group = scheme.isGrouped() ? *scheme.getGroupSize() : K, G = K / group;
  std::vector<float> ratios(N * G, 1.0f);
  parallelFor(ctx, 0, N, [&](int64_t n) {
    std::vector<double> delta(group);
    for (int64_t g = 0; g < G; ++g) {
      const float *x = w.data() + n * K + g * group;
      double lo = 0, hi = 0;
      for (int64_t k = 0; k < group; ++k) {
        lo = std::min<double>(lo, x[k]);
        hi = std::max<double>(hi, x[k]);
      }
      double best = std::numeric_limits<double>::infinity();
      for (int64_t step = 0; step <= steps; ++step) {
        double r = 1.0 - (1.0 - minRatio) * double(step) / double(steps);
        BlockParams p = computeBlockParams(scheme, lo * r, hi * r, qmax);
        for (int64_t k = 0; k < group; ++k)
          delta[k] = hostDequantize(scheme, hostQuantize(scheme, x[k], p.scale, p.zeroPoint),
                                    p.scale, p.zeroPoint) -
                     x[k];
        double err = 0;
        for (int64_t i = 0; i < group; ++i) {
          if (delta[i] == 0)
            continue;
          const double *row = h.data() + (g * group + i) * K + g * group;
          double dot = 0;
          for (int64_t j = 0; j < group; ++j)
            dot += row[j] * delta[j];
          err += delta[i] * dot;
        }
        if (err < best) {
          best = err;
          ratios[n * G + g] = float(r);
        }
      }
    }
  });
  return ratios;
}
