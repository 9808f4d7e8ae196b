//===- ParameterScaling.h - AWQ scaling through norm gains ------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Per-input-channel scaling of weights held in a parameter file (AWQ), with
// the inverse scale folded into the gain of the normalization that produces
// the weights' shared input (RMSNorm / LayerNorm weight), as the AWQ paper
// does for pre-norm transformers.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_LIB_TRANSFORMS_PARAMETERSCALING_H
#define QUANTOPT_LIB_TRANSFORMS_PARAMETERSCALING_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"

#include <optional>
#include <vector>

namespace mlir::quantx {

/// Where a per-channel scaling of an elementwise op's result can be folded:
/// the op is a linalg.generic whose result is a product
/// y[..., c] = a * f[..., c] with `a` independent of `f`, and `f` is either
///  - a 1-D parameter indexed by the channel (the gain of an RMSNorm or
///    LayerNorm): dividing y's channel c by s_c divides the gain's g_c; or
///  - the result of a plain matmul whose weight is a parameter, read with
///    the identity map and used only here (up_proj in a SwiGLU MLP's
///    silu(gate) * up): dividing y's channel c divides the weight's row c.
struct ScaleSource {
  linalg::GenericOp op;
  ml_program::GlobalOp global; ///< the gain, or the producing matmul's weight
  bool isGain;
};

/// Matches `x` as the result of such an op, whose channel is `x`'s
/// dimension `channel`.
std::optional<ScaleSource> matchScaleSource(Value x, int64_t channel);

/// AWQ's per-channel scales for migration strength `alpha`: the input's
/// root mean square per channel to the power alpha, normalized so that the
/// largest and smallest are reciprocal, clamped to [1e-4, 1e4].
std::vector<double> awqScales(ArrayRef<double> rms, double alpha);

/// The output error of quantizing the N x K weight `w` (row-major) with
/// `scheme` after scaling its column k by s_k (and unscaling after), on an
/// input with second moment `h` (K x K): the sum over rows n of
/// d_n^T H d_n with d = dequant(quant(w s)) / s - w. Only every
/// `rowStep`-th row is evaluated (the sum is scaled back up).
double scaledQuantizationError(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                               ArrayRef<float> w, int64_t N, int64_t K, ArrayRef<double> s,
                               ArrayRef<double> h, int64_t rowStep = 1);

/// AWQ's clipping search: for each row n and group g of the N x K weight
/// `w`, the fraction r of the group's range [lo, hi] (1, 1 - 1/steps, ...,
/// down to `minRatio`) whose quantization error d^T H_gg d on the group's
/// block of the second moment is smallest. N x K/group ratios, row-major.
std::vector<float> searchClipRatios(MLIRContext *ctx, SchemeAttr scheme, double qmax,
                                    ArrayRef<float> w, int64_t N, int64_t K,
                                    ArrayRef<double> h, int64_t steps = 20,
                                    double minRatio = 0.5);

} // namespace mlir::quantx

#endif // QUANTOPT_LIB_TRANSFORMS_PARAMETERSCALING_H
