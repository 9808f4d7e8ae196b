//===- WeightOnlyTarget.cpp - what GPTQ and AWQ work on -------------------===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "WeightOnlyTarget.h"

#include "ChannelScaling.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quantx;

FailureOr<std::optional<WeightOnlyTarget>>
mlir::quantx::analyzeWeightOnlyTarget(linalg::LinalgOp op, StringRef name,
                                      const SchemeChoice &choice,
                                      const llvm::StringMap<ObserverStats> &byName,
                                      std::string &why) {
  std::optional<WeightOnlyTarget> none;
  std::optional<WeightOnlyFormat> format = getWeightOnlyFormat(choice.scheme);
  if (!format)
    return none; // float, activation-quantizing or FP8 schemes: not ours
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims) || dims->n.size() != 1 || dims->k.size() != 1 ||
      !dims->batch.empty()) {
    why = "not a plain matmul";
    return none;
  }
  OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
  std::optional<int64_t> kAct = position(op.getMatchingIndexingMap(lhs), dims->k[0]);
  std::optional<int64_t> kW = position(op.getMatchingIndexingMap(rhs), dims->k[0]);
  std::optional<int64_t> nW = position(op.getMatchingIndexingMap(rhs), dims->n[0]);
  auto weight = rhs->get().getDefiningOp<arith::ConstantOp>();
  auto wType = cast<RankedTensorType>(rhs->get().getType());
  std::optional<std::vector<double>> values =
      weight ? getConstantFloatValues(weight) : std::nullopt;
  if (!kAct || !kW || !nW || !values || wType.getRank() != 2 ||
      !wType.getElementType().isF32()) {
    why = "the weight is not an f32 constant of rank 2";
    return none;
  }
  if (llvm::any_of(*values, [](double v) { return !std::isfinite(v); })) {
    why = "the weight has NaN or infinite values";
    return none;
  }
  int64_t K = wType.getDimSize(*kW), N = wType.getDimSize(*nW);
  const ObserverStats *found = findInputStats(byName, name);
  if (!found || found->secondMoment.size() != size_t(K * K)) {
    why = "no second moment of its input in the statistics "
          "(quant-calibrate --second-moments)";
    return none;
  }
  int64_t group = format->grouped ? choice.groupSize : K;
  if (K % group != 0)
    return op->emitError() << "'" << name << "': group size " << group
                           << " (from " << choice.origin
                           << ") does not divide the reduction dimension of "
                              "size " << K;
  return std::optional<WeightOnlyTarget>(WeightOnlyTarget{
      weight, std::move(*values), N, K, *nW, *kW, *kAct, *kW == 0, group,
      *format, &found->secondMoment});
}
