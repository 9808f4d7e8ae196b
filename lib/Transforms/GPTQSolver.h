//===- GPTQSolver.h - the numerical core of GPTQ ----------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// GPTQ (Frantar et al., 2022) on a weight held on the host: the Hessian's
// inverse factor and the column-by-column quantization with error
// feedback, blocked and multi-threaded so that LLM-sized layers (K up to
// 11008 and more) take seconds to minutes. Used by --quantx-gptq (inline
// weights) and --quantx-quantize-parameters (weights in parameter files).
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_LIB_TRANSFORMS_GPTQSOLVER_H
#define QUANTOPT_LIB_TRANSFORMS_GPTQSOLVER_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include <cstdint>
#include <vector>

namespace mlir::quantx {

/// Prepares GPTQ's Hessian `h` (K x K row-major, the input's second moment)
/// as the reference does: channels never seen (zero diagonal) get a unit
/// diagonal and their weight columns in `w` (N x K row-major) are zeroed,
/// then `damp` times the mean diagonal is added to the diagonal. Returns U,
/// upper triangular with H^-1 = U^T U, or failure when H is not positive
/// definite.
FailureOr<std::vector<double>> gptqInverseFactor(MLIRContext *ctx, std::vector<double> h,
                                                 int64_t K, double damp, double *w,
                                                 int64_t N);

/// Quantizes `w` (N x K row-major) column by column with `scheme`'s grid
/// (storage and signedness; scales from computeBlockParams with `qmax`,
/// computed at the start of each group of `group` columns from the weights
/// as updated so far), propagating each column's error to the remaining
/// columns through U (lazy batches of columns, rows in parallel). On
/// return `w` holds the dequantized grid values and `scales`/`zeroPoints`
/// (N x K/group) the parameters used.
void gptqQuantize(MLIRContext *ctx, SchemeAttr scheme, double qmax, int64_t group, double *w,
                  int64_t N, int64_t K, const std::vector<double> &U,
                  std::vector<float> &scales, std::vector<int32_t> &zeroPoints);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_GPTQSOLVER_H
