//===- ChannelScaling.h - fold per-channel scales into producers -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Shared by SmoothQuant and AWQ: dividing a matmul's input channel j by s_j
// is folded into the op that produces it (the producing matmul's weight
// rows and the per-channel constants of commuting elementwise ops).
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_LIB_TRANSFORMS_CHANNELSCALING_H
#define QUANTOPT_LIB_TRANSFORMS_CHANNELSCALING_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::quantx {

/// A constant float tensor to rescale along one dimension.
struct ScaledConstant {
  arith::ConstantOp op;
  int64_t axis; // dimension indexed by the channel
};

/// Position of loop dimension `d` among `map`'s results.
std::optional<int64_t> position(AffineMap map, unsigned d);

/// SmoothQuant's factor for a channel whose input reaches |x| <= xMax and
/// whose weights reach |w| <= wMax: xMax^alpha / wMax^(1 - alpha), 1 when
/// either is zero, clamped to [1e-5, 1e5].
double smoothQuantFactor(double xMax, double wMax, double alpha);

/// Multiplies the slices of a constant along its axis by `factors`.
void rescale(ScaledConstant c, ArrayRef<double> factors);

/// The constants to multiply by 1/s along the channel so that `x` (whose
/// channel is dimension `channel`) comes out divided by s: `x` must be
/// computed by a matmul-like op with a constant weight through elementwise
/// ops that commute with positive per-channel scaling. Fails with the
/// reason in `why` otherwise.
FailureOr<SmallVector<ScaledConstant>>
producerConstants(Value x, int64_t channel, std::string &why);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_CHANNELSCALING_H
