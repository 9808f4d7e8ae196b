//===- KernelCommon.h - scaffolding shared by the CPU and GPU kernels -*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What the CPU (--quantx-matmul-kernels) and GPU (--quantx-gpu-matmul-kernels)
// kernel generators both need: the analysis of a weight-only quantx.matmul
// (scheme, scale layout, shapes, element types, operands), kernel symbol
// naming, and the tensor <-> buffer wrapping around a kernel call or launch.
//
//===----------------------------------------------------------------------===//
#ifndef QUANTOPT_CONVERSION_KERNELCOMMON_H
#define QUANTOPT_CONVERSION_KERNELCOMMON_H

#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/PatternMatch.h"

#include <string>

namespace mlir::quantx {

/// How a kernel applies the weight's scales.
enum class ScaleLayout {
  None,      ///< no scales (f32 weights, integer accumulators)
  PerTensor, ///< one scale
  PerRow,    ///< one per output channel (axis 0 of the N x K weight)
  Grouped,   ///< one per output channel and group of K
};

/// "none", "tensor", "row" or "group" (kernel names).
StringRef stringifyScaleLayout(ScaleLayout layout);

/// The shape of a scale (and zero-point) operand of `layout` for an N x K
/// weight with groups of `group` along K.
SmallVector<int64_t> getScaleShape(ScaleLayout layout, int64_t n, int64_t k, int64_t group);

/// The indices of the scale (and zero point) of output channel `row` in
/// group `group` under `layout`: none, (row), or (row, group).
SmallVector<Value> getScaleIndices(ScaleLayout layout, Value row, Value group);

/// f32, f16 or bf16: the float types of the kernels' activations, scales,
/// biases and results.
bool isKernelFloatType(Type type);

/// The shape of a quantized matmul as every kernel sees it; the kernel
/// specs of the CPU and GPU generators extend it.
struct QuantizedMatmulShape {
  SchemeAttr scheme;    ///< the weight's (null: f32 weights)
  int64_t n = 0, k = 0; ///< weight shape in codes
  int64_t group = 0;    ///< scale block along K (K unless grouped)
  ScaleLayout scaleLayout = ScaleLayout::None;
  Type lhsElt, resElt, rhsElt, scaleElt, zpElt, biasElt; ///< null if absent
};

/// What every kernel generator needs to know about a weight-only
/// quantx.matmul: its shape and the kernel's operands.
struct WeightOnlyMatmul : QuantizedMatmulShape {
  SmallVector<Value> operands; ///< lhs, rhs, scale, [zero point], [bias]
};

/// Analyzes `op` for a kernel that walks K `kStep` codes at a time: a
/// weight-only matmul with scales, a static weight shape and K, K a
/// multiple of `kStep`, scales per tensor, per output channel or in groups
/// along K that are multiples of `kStep` (with the matching shape), and
/// f32/f16/bf16 activations, scales, bias and result. Fails with `reason`.
FailureOr<WeightOnlyMatmul> analyzeWeightOnlyMatmul(MatmulOp op, int64_t kStep,
                                                    std::string &reason);

/// The attribute on every generated kernel function describing it: what
/// tests and tools check instead of the mangled symbol name.
inline constexpr llvm::StringLiteral kKernelAttrName = "quantx.kernel";

/// The description of a kernel: `kind` (e.g. "cpu.weight_only",
/// "gpu.gemv"), the weight's and (integer kernels) the input's schemes (as
/// text, e.g. "#quantx.scheme<i4, axis = 1, group = 32>"),
/// the scale layout, the weight shape N x K and group, then `tiling`
/// (kernel-specific parameters, in the given order).
DictionaryAttr getKernelAttr(MLIRContext *ctx, StringRef kind, SchemeAttr scheme,
                             SchemeAttr lhsScheme, ScaleLayout layout, int64_t n, int64_t k,
                             int64_t group, ArrayRef<NamedAttribute> tiling);

/// Shuffle masks selecting the even and the odd lanes of a vector of
/// 2 `half` lanes (how the kernels split codes or activations into the
/// low and high nibbles' positions, or into vpmaddwd's pairs).
std::pair<SmallVector<int64_t>, SmallVector<int64_t>> getEvenOddLanes(int64_t half);

/// `table[indices]`: an unmasked vector.gather of `resultType` from the
/// 1-D `table` (the NF4 code book) at base `zeroIndex` (an index 0). The
/// CPU pipeline turns it into vpermps on x86; on the GPU the table is in
/// shared memory.
Value emitTableLookup(OpBuilder &b, Location loc, VectorType resultType, Value table,
                      Value zeroIndex, Value indices);

/// Appends "_<type>" to `os` for each non-null type of `types` (the tail of
/// a kernel name).
void printKernelTypes(llvm::raw_ostream &os, ArrayRef<Type> types);

/// Marks a bufferization.to_buffer whose buffer a kernel call or launch
/// reads with a number unique in its function (`quantx.kernel_operand`)
/// and returns it. The kernel reads the buffer right after the to_buffer;
/// CSE could otherwise merge two to_buffer ops of one tensor into the
/// first, and one-shot bufferization, which sees only the tensor-level read
/// at the to_buffer, could then let an in-place write between the two
/// clobber what the later kernel reads.
Value markKernelOperand(bufferization::ToBufferOp op);

/// A read-only, marked buffer of the ranked tensor `tensor` (identity
/// layout), cast to `type` (a kernel parameter's type) if that differs.
Value bufferForKernel(RewriterBase &rewriter, Location loc, Value tensor, Type type);

/// `buffer` cast to `type` if it has another type.
Value castBuffer(RewriterBase &rewriter, Location loc, Value buffer, Type type);

} // namespace mlir::quantx

#endif // QUANTOPT_CONVERSION_KERNELCOMMON_H
