//===- Passes.h - quant-opt transformation passes -------------*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_TRANSFORMS_PASSES_H
#define QUANTOPT_TRANSFORMS_PASSES_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
}

namespace mlir::quantx {

/// How a weight-only quantx.matmul formed from an f16/bf16 contraction sums
/// (the `accumulation` option of --quantx-form-quantized-matmul).
enum class Accumulation {
  /// In f32, rounded once to the result type (more accurate; fast kernels).
  F32,
  /// In the contraction's own accumulator type (`accumulator_type`), so the
  /// result equals the source's bit for bit.
  Source,
};

#define GEN_PASS_DECL
#include "QuantOpt/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "QuantOpt/Transforms/Passes.h.inc"

/// Discardable attribute that --quantx-insert-fake-quant puts on matmul-like
/// ops it leaves in float, saying why (read by --quantx-report).
inline constexpr llvm::StringLiteral kKeptFloatAttr = "quantx.kept_float";
/// Temporary attribute of --quantx-ptq: the report row of a matmul-like op
/// while its matmul is formed.
inline constexpr llvm::StringLiteral kReportRowAttr = "quantx.report_row";
/// Temporary attribute of --quantx-ptq: the name of a matmul-like op while
/// its matmul is formed (for remarks on the ones left in float).
inline constexpr llvm::StringLiteral kSiteNameAttr = "quantx.site_name";
/// The op a matmul was rewritten from (--quantx-unbatch-matmul puts
/// "linalg.batch_matmul" etc. on the 2-D matmul), so that it keeps the name
/// its statistics and report rows use.
inline constexpr llvm::StringLiteral kSourceOpAttr = "quantx.source_op";
/// Module attribute: observer names that share another observer (an input
/// several ops read is observed once), as {alias = canonical}.
inline constexpr llvm::StringLiteral kObserverAliasesAttr = "quantx.observer_aliases";

/// Attribute SmoothQuant leaves on a matmul-like op: the per-input-channel
/// factors s its activation was divided by (and its weight multiplied by).
inline constexpr llvm::StringLiteral kSmoothAttr = "quantx.smooth";
/// Marks the matmuls of LoRA adapters (--quantx-apply-lora): they stay in
/// float and are not sites of the quantization passes.
inline constexpr llvm::StringLiteral kLoRAAttr = "quantx.lora";

/// Patterns forming quantx.matmul from fake-quantized matmul-like ops;
/// `accumulation` decides how weight-only matmuls formed from f16/bf16
/// contractions sum.
void populateFormQuantizedMatmulPatterns(
    RewritePatternSet &patterns, Accumulation accumulation = Accumulation::F32);

/// Patterns moving work after a quantx.matmul into its epilogue: a following
/// bias addition (kept exact, ReLU stays separate), constant per-tensor
/// input/output scales folded into the weight scales (bit-identical), and,
/// with `foldRequantize`, a following per-tensor quantize (through a ReLU)
/// turned into the matmul's requantize epilogue with an i32 bias.
void populateFoldQuantizedMatmulEpiloguePatterns(RewritePatternSet &patterns,
                                                 bool foldRequantize = true);

/// Patterns turning a generic that unpacks 4-bit codes stored two per byte
/// (any arithmetic that yields the low-nibble-first value, unsigned or
/// sign-extended) into quantx.unpack; part of the raise patterns.
void populateRaiseNibbleUnpackingPatterns(RewritePatternSet &patterns);

/// Patterns raising frontend dequantization generics to quantx.dequantize
/// (also IREE's and torch-mlir's N x K/G x G grouped layout, whose
/// contraction is merged into a plain matmul over the collapsed weight).
void populateRaiseDequantizationPatterns(
    RewritePatternSet &patterns, const QuantXRaiseDequantizationOptions &options = {});

/// Batch matmuls whose weight is the same for every batch (batch 1, or a
/// broadcast 2-D weight) -> one 2-D linalg.matmul between reshapes.
void populateUnbatchMatmulPatterns(RewritePatternSet &patterns);

/// Patterns turning dequantize(quantize(x)) into fake_quant(x).
void populateQDQToFakeQuantPatterns(RewritePatternSet &patterns);

/// Builds IR computing `max(absmax(x) / qmax, tiny)` over all of `x` (a
/// rank-0 result) or, with `axis`, per index of that dimension (rank 1): the
/// symmetric scale for quantizing `x` at run time.
Value buildAbsMaxScale(OpBuilder &b, Location loc, Value x,
                       std::optional<int64_t> axis, double qmax);

/// The same per group of `group` consecutive values along `axis`: the
/// result has `x`'s shape with dimension `axis` divided by `group` (the
/// scale of a `#quantx.scheme<..., axis = A, group = G>`). `group` must
/// divide the dimension.
Value buildGroupAbsMaxScale(OpBuilder &b, Location loc, Value x, int64_t axis,
                            int64_t group, double qmax);

} // namespace mlir::quantx

#endif // QUANTOPT_TRANSFORMS_PASSES_H
