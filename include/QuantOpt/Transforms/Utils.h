//===- Utils.h - helpers shared by the quant-opt transforms ---*- C++ -*-===//
//
// Part of the quant-opt project, under the Apache License v2.0 with LLVM
// Exceptions. See the LICENSE file for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#ifndef QUANTOPT_TRANSFORMS_UTILS_H
#define QUANTOPT_TRANSFORMS_UTILS_H

#include "QuantOpt/Calibration/Statistics.h"
#include "QuantOpt/Dialect/QuantX/IR/QuantX.h"
#include "QuantOpt/Transforms/Recipe.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringMap.h"

#include <string>

#include <optional>
#include <vector>

namespace mlir::quantx {

/// The values of a constant float tensor (`dense` of any float type, or
/// `dense_resource` of f32), in row-major order; nullopt otherwise.
std::optional<std::vector<double>> getConstantFloatValues(Value v);

/// Scale and zero point of one block of weights with range [lo, hi]
/// (widened to contain 0): symmetric kinds use max(|lo|, |hi|) / qmax,
/// unsigned (asymmetric) kinds (hi - lo) / (qmax - qmin) and
/// zero_point = qmin - round(lo / scale); scales are at least 2^-23.
struct BlockParams {
  float scale;
  int32_t zeroPoint;
};
BlockParams computeBlockParams(SchemeAttr scheme, double lo, double hi,
                               double qmax);

/// Like getConstantFloatValues, and also for a `quantx.dequantize` of
/// constants (double-quantized scales), evaluated with the host numerics.
std::optional<std::vector<double>> getConstantScaleValues(Value v);

/// The name recipes and reports use for a matmul-like op: the name in its
/// location (a NameLoc, possibly inside fused or call-site locations), else
/// `<function>.<op kind>.<n>` where n counts the unnamed and named ops seen
/// in that function so far (`counters` carries the counts across calls).
std::string nameMatmulLikeOp(Operation *op, llvm::StringMap<int64_t> &counters);

/// True for the ops the recipe passes treat as matmul-like: linalg
/// contractions on tensors with two inputs and one init.
bool isMatmulLike(Operation *op);

/// A matmul-like op of a module with the name and position recipes see.
struct MatmulSite {
  Operation *op;
  std::string name, function;
  int64_t index, count;
};

/// Every matmul-like op of `module`, in walk order, named.
std::vector<MatmulSite> collectMatmulSites(Operation *module);

/// The statistics in `path` by observer name; `errorAt` receives the error.
FailureOr<llvm::StringMap<ObserverStats>> loadStatsByName(Operation *errorAt,
                                                          llvm::StringRef path);

/// The statistics of the input of the op named `opName` (the observer
/// `opName.input`). An op whose name repeats an earlier one's, `NAME#k`
/// (the same layer in another function, e.g. decode beside prefill), uses
/// `NAME.input` when it has no statistics of its own. Null when none.
const ObserverStats *findInputStats(const llvm::StringMap<ObserverStats> &byName,
                                    llvm::StringRef opName);

/// Calls `fn` on every matmul-like op of `module` with the recipe's choice
/// for it, stopping at the first failure.
LogicalResult forEachRecipeChoice(
    Operation *module, const Recipe &recipe,
    llvm::function_ref<LogicalResult(Operation *, llvm::StringRef name,
                                     const SchemeChoice &)>
        fn);

/// Loads `path` for an algorithm that needs second moments (`algorithm`
/// names it in the error when no file is given).
FailureOr<llvm::StringMap<ObserverStats>>
loadSecondMomentStats(Operation *errorAt, llvm::StringRef path,
                      llvm::StringRef algorithm);

/// Storage and largest code magnitude of the weight-only schemes that the
/// weight-shaping algorithms (GPTQ, AWQ) handle; nullopt for the others.
struct WeightOnlyFormat {
  StorageKind storage;
  double qmax;
  bool grouped;
};
std::optional<WeightOnlyFormat> getWeightOnlyFormat(QuantScheme scheme);

/// How the weight of any quantizing scheme is stored: the weight-only
/// schemes as above (w4a16-nf4-dq as NF4), the schemes that also quantize
/// activations (w8a8, w8a8-dynamic, w8a8-dynamic-row, fp8) per output
/// channel in i8 or FP8 E4M3, with `activations` set. Nullopt for float.
std::optional<WeightOnlyFormat> getWeightFormat(QuantScheme scheme, bool &activations);

/// The operands of a plain 2-D matmul on tensors that quantx.matmul can
/// replace: input M x K, weight N x K (or K x N: `transposed`), result
/// M x N accumulated from a zero fill.
struct PlainMatmul {
  OpOperand *lhs, *rhs, *out;
  bool transposed;
};
FailureOr<PlainMatmul> matchPlainMatmul(linalg::LinalgOp op);

} // namespace mlir::quantx

#endif // QUANTOPT_TRANSFORMS_UTILS_H
