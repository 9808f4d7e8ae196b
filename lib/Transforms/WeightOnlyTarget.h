//===- WeightOnlyTarget.h - what GPTQ and AWQ work on -----------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_LIB_TRANSFORMS_WEIGHTONLYTARGET_H
#define QUANTOPT_LIB_TRANSFORMS_WEIGHTONLYTARGET_H

#include "QuantOpt/Transforms/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::quantx {

/// A matmul-like op with a weight-only scheme, an f32 rank-2 constant weight
/// and the second moment of its input: what the weight-shaping algorithms
/// (GPTQ, AWQ) need, with the weight viewed as N x K.
struct WeightOnlyTarget {
  arith::ConstantOp weight;
  std::vector<double> values; // in the weight's own layout
  int64_t n, k;
  int64_t nAxis, kAxis;       // dimensions of the weight
  int64_t inputKAxis;         // reduction dimension of the input
  bool transposed;            // the weight is stored K x N
  int64_t group;              // group size along K (K when per channel)
  WeightOnlyFormat format;
  const std::vector<double> *secondMoment; // K x K

  /// Element (row n, column k) of the N x K view.
  double &at(int64_t row, int64_t col) {
    return values[transposed ? col * n + row : row * k + col];
  }
};

/// Analyzes `op` for GPTQ/AWQ. Returns nullopt, with the reason in `why`
/// (empty when the scheme is simply not weight-only), when the op does not
/// qualify; fails with an error when the recipe's group size does not
/// divide K.
FailureOr<std::optional<WeightOnlyTarget>>
analyzeWeightOnlyTarget(linalg::LinalgOp op, StringRef name,
                        const SchemeChoice &choice,
                        const llvm::StringMap<ObserverStats> &byName,
                        std::string &why);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_WEIGHTONLYTARGET_H
